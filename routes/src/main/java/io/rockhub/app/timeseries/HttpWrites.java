package io.rockhub.app.timeseries;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The HTTP POST both writers make, and how its status maps to an {@link TsdbWriter.Outcome}. */
final class HttpWrites {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpWrites() {
    }

    static TsdbWriter.Outcome post(URI uri, byte[] body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        try {
            HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
            int code = r.statusCode();
            if (code / 100 == 2) {
                return TsdbWriter.Outcome.accepted();
            }
            String text = code + " " + r.body().strip();
            return new TsdbWriter.Outcome(code / 100 == 4 ? TsdbWriter.Outcome.Kind.REJECTED
                    : TsdbWriter.Outcome.Kind.RETRY, text);
        } catch (IOException e) {
            return new TsdbWriter.Outcome(TsdbWriter.Outcome.Kind.RETRY, "connection failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new TsdbWriter.Outcome(TsdbWriter.Outcome.Kind.RETRY, "interrupted");
        }
    }
}
