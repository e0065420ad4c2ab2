// The mobile flow, SIP signaling and voice quality blocks of 5.4.1 (spec sections "'Mobile Flow' Domain
// Datatypes", "'Sip Signaling' Domain Datatypes" and "'Voice Quality' Domain Datatypes").

extension VES541Datatypes {
    /// 5.x types the ports and the sampling algorithm as integers, where 1.1's file took any number.
    static let integerMobileFlowFields: Set<String> = [
        "otherEndpointPort", "reportingEndpointPort", "samplingAlgorithm",
    ]

    /// Each RTP counter, at the local end and at the far end of the call.
    static func rtpCounters() -> [String] {
        let counters =
            ["Jitter"]
            + ["Octets", "Packets"].flatMap { unit in ["Discarded", "Received", "Sent"].map { "Rtp" + unit + $0 } }
        return ["local", "endpoint"].flatMap { end in counters.map { end + $0 } }
    }

    /// `gtpPerFlowMetrics`' three count lists as the 28.4.1 file has them: its pairs may repeat and run past
    /// two members, unlike 1.1's.
    static let countLists: [VESField] = ["ipTosCountList", "mobileQciCosCountList", "tcpFlagCountList"].map {
        .optional($0, .openCountPairs)
    }

    static let sessions: [VESDatatype] = [
        // 1.1's table but for the count lists; the spec types the three value lists as "string" where the
        // file makes them arrays of strings, as 1.1's did.
        .record(
            "gtpPerFlowMetrics",
            VES11Datatypes.gtpPerFlowMetricsFields.filter { field in !countLists.contains { $0.name == field.name } }
                + countLists
        ),
        // 1.1's table with a version and additional fields; the rest differs only in the integer types.
        .record(
            "mobileFlowFields",
            [
                .optional("additionalFields", fieldList),
                .required("mobileFlowFieldsVersion", .number),
            ]
                + VES11Datatypes.mobileFlowFields.map { field in
                    integerMobileFlowFields.contains(field.name)
                        ? VESField(name: field.name, type: .integer, isRequired: field.isRequired) : field
                }
        ),
        .record(
            "sipSignalingFields",
            [
                .optional("additionalInformation", fieldList),
                .optional("compressedSip", .string),
                .required("correlator", .string),
                .required("localIpAddress", .string),
                // Ports are strings here, unlike mobileFlowFields' integers, in the spec and the file alike.
                .required("localPort", .string),
                .required("remoteIpAddress", .string),
                .required("remotePort", .string),
                .required("sipSignalingFieldsVersion", .number),
                .optional("summarySip", .string),
                .required("vendorVnfNameFields", .datatype("vendorVnfNameFields")),
            ]
        ),
        .record(
            "endOfCallVqmSummaries",
            [
                .required("adjacencyName", .string),
                .required("endpointDescription", .oneOf(["Caller", "Callee"])),
            ]
                + optionalNumbers(
                    rtpCounters() + ["mosCqe", "packetsLost", "packetLossPercent", "rFactor", "roundTripDelay"]
                )
        ),
        .record(
            "voiceQualityFields",
            [
                .optional("additionalInformation", fieldList),
                .required("calleeSideCodec", .string),
                .required("callerSideCodec", .string),
                .required("correlator", .string),
                .optional("endOfCallVqmSummaries", .datatype("endOfCallVqmSummaries")),
                .required("midCallRtcp", .string),
                .optional("phoneNumber", .string),
                .required("vendorVnfNameFields", .datatype("vendorVnfNameFields")),
                .required("voiceQualityFieldsVersion", .number),
            ]
        ),
    ]
}
