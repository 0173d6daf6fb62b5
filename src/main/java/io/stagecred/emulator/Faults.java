package io.stagecred.emulator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Queued fault injections (error answers and dropped connections), each consumed by matching
 * requests.
 */
final class Faults {

  /**
   * What to do instead of handling a request: answer {@code error}, or drop the connection if null.
   */
  record Injected(StsError error) {
    boolean drop() {
      return error == null;
    }
  }

  private static final class Entry {
    final String action;
    final StsError error;
    int remaining;

    Entry(String action, StsError error, int remaining) {
      this.action = action;
      this.error = error;
      this.remaining = remaining;
    }
  }

  private final List<Entry> entries = new ArrayList<>();

  synchronized void add(String action, int count, StsError error) {
    if (action == null || action.isEmpty()) {
      throw new IllegalArgumentException("target must be an STS action name, a role ARN or *");
    }
    if (count < 1) {
      throw new IllegalArgumentException("count must be at least 1");
    }
    entries.add(new Entry(action, error, count));
  }

  /**
   * Takes one use of the oldest fault that applies to a request, or returns null. A fault's target
   * is an action name, a role ARN (so that tests sharing one emulator do not steal each other's
   * faults), or "*".
   */
  synchronized Injected take(String action, String roleArn) {
    for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
      Entry e = it.next();
      if (e.action.equals("*") || e.action.equals(action) || e.action.equals(roleArn)) {
        if (--e.remaining == 0) {
          it.remove();
        }
        return new Injected(e.error);
      }
    }
    return null;
  }

  synchronized void remove(String target) {
    entries.removeIf(e -> e.action.equals(target));
  }

  synchronized void clear() {
    entries.clear();
  }
}
