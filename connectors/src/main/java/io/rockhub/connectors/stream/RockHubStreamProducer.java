package io.rockhub.connectors.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.support.DefaultProducer;
import redis.clients.jedis.JedisPooled;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XAddParams;

/**
 * XADD of the message body: a map of fields (values converted to strings), to the endpoint's
 * stream or the one in the {@link RockHubStreamConstants#STREAM} header. The new entry's id is set
 * in the {@link RockHubStreamConstants#ENTRY_ID} header.
 */
public class RockHubStreamProducer extends DefaultProducer {
    private final RockHubStreamEndpoint endpoint;
    private JedisPooled pool;

    RockHubStreamProducer(RockHubStreamEndpoint endpoint) {
        super(endpoint);
        this.endpoint = endpoint;
    }

    @Override
    protected void doStart() throws Exception {
        super.doStart();
        pool = new JedisPooled(endpoint.address(), endpoint.clientConfig(2_000, null));
    }

    @Override
    protected void doStop() throws Exception {
        if (pool != null) {
            pool.close();
            pool = null;
        }
        super.doStop();
    }

    @Override
    public void process(Exchange exchange) throws Exception {
        String stream = exchange.getMessage().getHeader(RockHubStreamConstants.STREAM, String.class);
        if (stream == null) {
            List<String> names = endpoint.streamNames();
            if (names.size() != 1 || endpoint.getConfiguration().isPattern()) {
                throw new IllegalArgumentException("rockhub-stream producer: the endpoint names " + names
                        + "; set the " + RockHubStreamConstants.STREAM + " header to choose one");
            }
            stream = names.get(0);
        }
        Map<?, ?> body = exchange.getMessage().getBody(Map.class);
        if (body == null || body.isEmpty()) {
            throw new InvalidPayloadException(exchange, Map.class);
        }
        Map<String, String> fields = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : body.entrySet()) {
            fields.put(String.valueOf(e.getKey()), String.valueOf(e.getValue()));
        }
        XAddParams params = XAddParams.xAddParams();
        String id = exchange.getMessage().getHeader(RockHubStreamConstants.ENTRY_ID, String.class);
        if (id != null) {
            params.id(new StreamEntryID(id));
        }
        long maxLen = endpoint.getConfiguration().getMaxLen();
        if (maxLen > 0) {
            params.maxLen(maxLen).approximateTrimming();
        }
        StreamEntryID added = pool.xadd(stream, params, fields);
        exchange.getMessage().setHeader(RockHubStreamConstants.ENTRY_ID, added.toString());
        exchange.getMessage().setHeader(RockHubStreamConstants.STREAM, stream);
    }
}
