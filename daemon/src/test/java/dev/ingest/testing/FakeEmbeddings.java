package dev.ingest.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/** Answers every request with one 3-number vector per input: [batch position, input length, 0.5]. */
public final class FakeEmbeddings implements ResponseTransformerV2 {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  public Response transform(Response response, ServeEvent event) {
    try {
      JsonNode inputs = JSON.readTree(event.getRequest().getBodyAsString()).get("input");
      StringBuilder data = new StringBuilder();
      for (int i = 0; i < inputs.size(); i++) {
        data.append(i == 0 ? "" : ",")
            .append("{\"object\":\"embedding\",\"index\":").append(i)
            .append(",\"embedding\":[").append(i).append(',').append(inputs.get(i).asText().length()).append(",0.5]}");
      }
      return Response.Builder.like(response)
          .but()
          .body("{\"object\":\"list\",\"model\":\"m\",\"data\":[" + data + "]}")
          .build();
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean applyGlobally() {
    return false;
  }

  @Override
  public String getName() {
    return "fake-embeddings";
  }
}
