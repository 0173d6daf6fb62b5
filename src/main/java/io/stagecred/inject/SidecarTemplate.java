package io.stagecred.inject;

/** The operator's settings for the sidecars it injects. */
public record SidecarTemplate(String image, String imagePullPolicy) {}
