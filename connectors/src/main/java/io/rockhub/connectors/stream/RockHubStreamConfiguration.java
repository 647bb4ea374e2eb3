package io.rockhub.connectors.stream;

import org.apache.camel.RuntimeCamelException;
import org.apache.camel.spi.UriParam;
import org.apache.camel.spi.UriParams;

/** Options of the rockhub-stream component and its endpoints. */
@UriParams
public class RockHubStreamConfiguration implements Cloneable {
    @UriParam(label = "common", defaultValue = "127.0.0.1", description = "Host of the RockHub (or Redis) server.")
    private String host = "127.0.0.1";

    @UriParam(label = "common", defaultValue = "6380", description = "Port of the RockHub (or Redis) server.")
    private int port = 6380;

    @UriParam(label = "security", secret = true, description = "Password for AUTH, if the server requires one.")
    private String password;

    @UriParam(label = "security", description = "ACL user to log in as (AUTH username password); the default user"
            + " when not set. The README shows the least permissions a consumer and a producer need.")
    private String username;

    @UriParam(label = "security", description = "TLS for the connections (the server's tls-port): the trust store,"
            + " and the key store when the server asks for client certificates (tls-auth-clients).")
    private org.apache.camel.support.jsse.SSLContextParameters sslContextParameters;

    @UriParam(label = "common", defaultValue = "false", description = "Whether the endpoint's path is a glob pattern "
            + "(e.g. orders:*): the consumer reads every stream whose name matches, found with SCAN TYPE stream and "
            + "refreshed every patternRefreshMillis.")
    private boolean pattern;

    @UriParam(label = "consumer", defaultValue = "30000", description = "How often a pattern is matched again.")
    private long patternRefreshMillis = 30_000;

    @UriParam(label = "consumer", description = "Consumer group to read through (XREADGROUP, XACK after each "
            + "exchange completes, XAUTOCLAIM of stuck entries). Without it the consumer reads from a cursor (XREAD).")
    private String group;

    @UriParam(label = "consumer", defaultValue = "camel", description = "This consumer's name within the group.")
    private String consumerName = "camel";

    @UriParam(label = "consumer", defaultValue = "true", description = "Create the group (at 0, with MKSTREAM) if it "
            + "does not exist.")
    private boolean createGroup = true;

    @UriParam(label = "consumer", defaultValue = "$", description = "Cursor mode: the id to read after at start "
            + "($ = only new entries, 0 = from the beginning).")
    private String startId = "$";

    @UriParam(label = "consumer", defaultValue = "100", description = "Entries read per call (COUNT).")
    private int count = 100;

    @UriParam(label = "consumer", defaultValue = "1000", description = "How long a read blocks waiting for entries "
            + "(BLOCK), in milliseconds.")
    private long blockMillis = 1000;

    @UriParam(label = "consumer", defaultValue = "60000", description = "Group mode: entries pending this long "
            + "(another consumer died, or an exchange failed) are reclaimed with XAUTOCLAIM and processed again.")
    private long claimMinIdleMillis = 60_000;

    @UriParam(label = "consumer", defaultValue = "5000", description = "Group mode: how often XAUTOCLAIM runs.")
    private long claimIntervalMillis = 5_000;

    @UriParam(label = "producer", defaultValue = "0", description = "Trim the stream to about this many entries on "
            + "every XADD (MAXLEN ~); 0 does not trim.")
    private long maxLen;

    public String getHost() {
        return host;
    }

    public void setHost(String host) {
        this.host = host;
    }

    public int getPort() {
        return port;
    }

    public void setPort(int port) {
        this.port = port;
    }

    public org.apache.camel.support.jsse.SSLContextParameters getSslContextParameters() {
        return sslContextParameters;
    }

    public void setSslContextParameters(org.apache.camel.support.jsse.SSLContextParameters sslContextParameters) {
        this.sslContextParameters = sslContextParameters;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public boolean isPattern() {
        return pattern;
    }

    public void setPattern(boolean pattern) {
        this.pattern = pattern;
    }

    public long getPatternRefreshMillis() {
        return patternRefreshMillis;
    }

    public void setPatternRefreshMillis(long patternRefreshMillis) {
        this.patternRefreshMillis = patternRefreshMillis;
    }

    public String getGroup() {
        return group;
    }

    public void setGroup(String group) {
        this.group = group;
    }

    public String getConsumerName() {
        return consumerName;
    }

    public void setConsumerName(String consumerName) {
        this.consumerName = consumerName;
    }

    public boolean isCreateGroup() {
        return createGroup;
    }

    public void setCreateGroup(boolean createGroup) {
        this.createGroup = createGroup;
    }

    public String getStartId() {
        return startId;
    }

    public void setStartId(String startId) {
        this.startId = startId;
    }

    public int getCount() {
        return count;
    }

    public void setCount(int count) {
        this.count = count;
    }

    public long getBlockMillis() {
        return blockMillis;
    }

    public void setBlockMillis(long blockMillis) {
        this.blockMillis = blockMillis;
    }

    public long getClaimMinIdleMillis() {
        return claimMinIdleMillis;
    }

    public void setClaimMinIdleMillis(long claimMinIdleMillis) {
        this.claimMinIdleMillis = claimMinIdleMillis;
    }

    public long getClaimIntervalMillis() {
        return claimIntervalMillis;
    }

    public void setClaimIntervalMillis(long claimIntervalMillis) {
        this.claimIntervalMillis = claimIntervalMillis;
    }

    public long getMaxLen() {
        return maxLen;
    }

    public void setMaxLen(long maxLen) {
        this.maxLen = maxLen;
    }

    public RockHubStreamConfiguration copy() {
        try {
            return (RockHubStreamConfiguration) clone();
        } catch (CloneNotSupportedException e) {
            throw new RuntimeCamelException(e);
        }
    }

    boolean groupMode() {
        return group != null && !group.isEmpty();
    }
}
