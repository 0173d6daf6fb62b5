# syntax=docker/dockerfile:1
# stagecred: one image, three modes. The first argument picks the mode:
#   docker run ghcr.io/stagecred/stagecred:0.1.0            -> operator (CMD default)
#   docker run ghcr.io/stagecred/stagecred:0.1.0 sidecar    -> sidecar
#   docker run ghcr.io/stagecred/stagecred:0.1.0 demo       -> demo (no cluster, no AWS account)
# The entrypoint (/deployments/stagecred, from src/main/docker/stagecred-entrypoint.sh) picks JVM
# options for the mode: a small fixed footprint for the sidecar, -XX:MaxRAMPercentage=75 otherwise.
# JAVA_OPTS, when set, replaces them verbatim:
#   docker run -e JAVA_OPTS="-Xmx96m" ghcr.io/stagecred/stagecred:0.1.0 sidecar
# Ports: 8080 is the operator's and the demo's HTTP (health, metrics); 8099 the sidecar's health
# endpoints (its credentials endpoint listens on 127.0.0.1 only and is not published).

# ---- build ---------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jdk AS build
WORKDIR /build

# Dependencies first, in their own layer: it is rebuilt only when the POM or the wrapper changes.
# The wrapper downloads the Maven version pinned in .mvn/wrapper/maven-wrapper.properties.
COPY mvnw pom.xml ./
COPY .mvn/ .mvn/
RUN ./mvnw -B -q dependency:go-offline quarkus:go-offline

# Sources and the committed CRD, then the fast-jar (target/quarkus-app/).
COPY src/ src/
COPY crds/ crds/
RUN ./mvnw -B -q package -DskipTests

# ---- runtime -------------------------------------------------------------------------------------
FROM eclipse-temurin:17-jre
WORKDIR /deployments

# The entrypoint: owned by root (COPY's default), executable and not writable by the runtime user.
COPY --chmod=0755 src/main/docker/stagecred-entrypoint.sh /deployments/stagecred

# Fast-jar layout, least often changed first: third-party libraries, then the application.
# Files stay owned by root and are only readable by the runtime user.
COPY --from=build /build/target/quarkus-app/lib/ /deployments/lib/
COPY --from=build /build/target/quarkus-app/app/ /deployments/app/
COPY --from=build /build/target/quarkus-app/quarkus/ /deployments/quarkus/
COPY --from=build /build/target/quarkus-app/quarkus-run.jar /deployments/quarkus-run.jar

# Numeric non-root user, so Kubernetes can verify runAsNonRoot without a passwd entry.
USER 185
EXPOSE 8080 8099

ENTRYPOINT ["/deployments/stagecred"]
CMD ["operator"]
