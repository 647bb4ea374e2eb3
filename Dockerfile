# RockHub as a container: build the shaded jar with Maven, run it on a JRE.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY . .
RUN mvn -B -ntp -q -DskipTests package -pl routes -am

FROM eclipse-temurin:17-jre
COPY --from=build /src/routes/target/rockhub.jar /opt/rockhub/rockhub.jar
VOLUME /data
EXPOSE 6380 9464 2003
# Reached through the container's network, not its loopback: protected mode off, as Redis's own image
# does; give --requirepass (or keep the port unpublished) in production.
ENTRYPOINT ["java", "-jar", "/opt/rockhub/rockhub.jar", "--bind", "0.0.0.0", "--protected-mode", "no", "--dir", "/data"]
