package io.rockhub.connectors.stream;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.spi.Metadata;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code rockhub-stream:orders,payments?group=export} — consumes RockHub (or Redis) streams through a
 * consumer group or from a cursor, and adds entries with XADD. Camel's own Redis component has no
 * stream support; this one speaks RESP through Jedis.
 */
@Component("rockhub-stream")
public class RockHubStreamComponent extends DefaultComponent {
    @Metadata(description = "Defaults for every endpoint of this component.")
    private RockHubStreamConfiguration configuration = new RockHubStreamConfiguration();

    public RockHubStreamConfiguration getConfiguration() {
        return configuration;
    }

    public void setConfiguration(RockHubStreamConfiguration configuration) {
        this.configuration = configuration;
    }

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        if (remaining == null || remaining.isBlank()) {
            throw new IllegalArgumentException("rockhub-stream needs one or more stream names (or a pattern): "
                    + "rockhub-stream:orders or rockhub-stream:orders:*?pattern=true");
        }
        RockHubStreamEndpoint endpoint = new RockHubStreamEndpoint(uri, this, remaining, configuration.copy());
        setProperties(endpoint.getConfiguration(), parameters);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
