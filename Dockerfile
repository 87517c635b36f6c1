# Production image of Herald. Build the jar first: ./mvnw -B package -DskipTests
FROM eclipse-temurin:17.0.15_6-jre
RUN useradd --system --uid 10001 herald
USER herald
COPY backend/target/herald.jar /app/herald.jar
EXPOSE 8080
ENTRYPOINT ["java", "-XX:MaxRAMPercentage=75", "-jar", "/app/herald.jar"]
