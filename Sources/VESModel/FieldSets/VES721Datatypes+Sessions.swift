// The technology-specific domains of VES 7.2.1 that describe one flow or call: mobileFlow (with its GTP
// metrics), sipSignaling and voiceQuality.

extension VES721Datatypes {
    static let sessions: [VESDatatype] = [
        .closedRecord(
            "mobileFlowFields",
            [
                .optional("additionalFields", hashMap),
                .required("flowDirection", .string),
                .required("gtpPerFlowMetrics", .datatype("gtpPerFlowMetrics")),
                .required("ipProtocolType", .string),
                .required("ipVersion", .string),
                version("mobileFlowFieldsVersion", "4.0"),
                .required("otherEndpointIpAddress", .string),
                .required("otherEndpointPort", .integer),
                .required("reportingEndpointIpAddr", .string),
                .required("reportingEndpointPort", .integer),
                .optional("samplingAlgorithm", .integer),
            ]
                + optionalStrings([
                    "applicationType",
                    "appProtocolType",
                    "appProtocolVersion",
                    "cid",
                    "connectionType",
                    "ecgi",
                    "gtpProtocolType",
                    "gtpVersion",
                    "httpHeader",
                    "imei",
                    "imsi",
                    "lac",
                    "mcc",
                    "mnc",
                    "msisdn",
                    "otherFunctionalRole",
                    "rac",
                    "radioAccessTechnology",
                    "sac",
                    "tac",
                    "tunnelId",
                    "vlanId",
                ])
        ),
        .closedRecord(
            "gtpPerFlowMetrics",
            requiredNumbers([
                "avgBitErrorRate",
                "avgPacketDelayVariation",
                "avgPacketLatency",
                "avgReceiveThroughput",
                "avgTransmitThroughput",
                "flowActivationEpoch",
                "flowActivationMicrosec",
                "flowDeactivationEpoch",
                "flowDeactivationMicrosec",
                "maxPacketDelayVariation",
                "numActivationFailures",
                "numBitErrors",
                "numBytesReceived",
                "numBytesTransmitted",
                "numDroppedPackets",
                "numL7BytesReceived",
                "numL7BytesTransmitted",
                "numLostPackets",
                "numOutOfOrderPackets",
                "numPacketErrors",
                "numPacketsReceivedExclRetrans",
                "numPacketsReceivedInclRetrans",
                "numPacketsTransmittedInclRetrans",
                "numRetries",
                "numTimeouts",
                "numTunneledL7BytesReceived",
                "roundTripTime",
                "timeToFirstByte",
            ])
                + optionalNumbers([
                    "durConnectionFailedStatus",
                    "durTunnelFailedStatus",
                    "largePacketRtt",
                    "largePacketThreshold",
                    "maxReceiveBitRate",
                    "maxTransmitBitRate",
                    "numGtpEchoFailures",
                    "numGtpTunnelErrors",
                    "numHttpErrors",
                ])
                + [.required("flowDeactivationTime", .string), .required("flowStatus", .string)]
                + optionalStrings([
                    "flowActivatedBy",
                    "flowActivationTime",
                    "flowDeactivatedBy",
                    "gtpConnectionStatus",
                    "gtpTunnelStatus",
                ])
                // Counts per value: hashMaps since 6.0 (1.1's [name, count] pairs are gone).
                + ["ipTosCountList", "mobileQciCosCountList", "tcpFlagCountList"].map { .optional($0, hashMap) }
                // The spec types the three value lists as string; the file makes them arrays of strings.
                + ["ipTosList", "mobileQciCosList", "tcpFlagList"].map { .optional($0, .list(of: .string)) }
        ),
        .closedRecord(
            "sipSignalingFields",
            [
                .optional("additionalInformation", hashMap),
                .optional("compressedSip", .string),
                .required("correlator", .string),
                .required("localIpAddress", .string),
                // Ports are strings in this block, unlike mobileFlowFields' integers.
                .required("localPort", .string),
                .required("remoteIpAddress", .string),
                .required("remotePort", .string),
                version("sipSignalingFieldsVersion", "3.0"),
                .optional("summarySip", .string),
                .required("vendorNfNameFields", .datatype("vendorNfNameFields")),
            ]
        ),
        .closedRecord(
            "voiceQualityFields",
            [
                .optional("additionalInformation", hashMap),
                .required("calleeSideCodec", .string),
                .required("callerSideCodec", .string),
                .required("correlator", .string),
                .optional("endOfCallVqmSummaries", .datatype("endOfCallVqmSummaries")),
                .optional("phoneNumber", .string),
                .required("midCallRtcp", .string),
                .required("vendorNfNameFields", .datatype("vendorNfNameFields")),
                version("voiceQualityFieldsVersion", "4.0"),
            ]
        ),
        .closedRecord("endOfCallVqmSummaries", endOfCallVqmSummariesFields),
    ]

    /// The same RTP counters are kept for the far endpoint and for the local side.
    static let endOfCallVqmSummariesFields: [VESField] = {
        var fields: [VESField] = [
            .required("adjacencyName", .string),
            .required("endpointDescription", .oneOf(["Caller", "Callee"])),
        ]
        fields += optionalNumbers([
            "endpointAverageJitter",
            "endpointMaxJitter",
            "localAverageJitter",
            "localAverageJitterBufferDelay",
            "localMaxJitter",
            "localMaxJitterBufferDelay",
            "mosCqe",
            "oneWayDelay",
            "packetLossPercent",
            "rFactor",
            "roundTripDelay",
        ])
        for side in ["endpoint", "local"] {
            for unit in ["Octets", "Packets"] {
                for outcome in ["Discarded", "Lost", "Received", "Sent"] {
                    fields += optionalNumbers([side + "Rtp" + unit + outcome])
                }
            }
        }
        return fields
    }()
}
