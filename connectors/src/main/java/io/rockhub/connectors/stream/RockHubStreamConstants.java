package io.rockhub.connectors.stream;

import org.apache.camel.spi.Metadata;

/** Message headers of the rockhub-stream component. */
public final class RockHubStreamConstants {
    @Metadata(label = "consumer,producer", description = "The stream the entry was read from (consumer), or the "
            + "stream to add it to, overriding the endpoint's (producer).", javaType = "String")
    public static final String STREAM = "CamelRockHubStream";

    @Metadata(label = "consumer,producer", description = "The entry id: as read (consumer) or as assigned by XADD "
            + "(producer, after the call). On the producer an id set before the call is used instead of *.",
            javaType = "String")
    public static final String ENTRY_ID = "CamelRockHubEntryId";

    @Metadata(label = "consumer", description = "The milliseconds part of the entry id: when the entry was added.",
            javaType = "long")
    public static final String TIMESTAMP = "CamelRockHubTimestamp";

    @Metadata(label = "consumer", description = "How many times the group has delivered this entry (group mode; 1 "
            + "for a first delivery, more when it was reclaimed with XAUTOCLAIM).", javaType = "long")
    public static final String DELIVERY_COUNT = "CamelRockHubDeliveryCount";

    private RockHubStreamConstants() {
    }
}
