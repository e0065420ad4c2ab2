/// Events valid under VES 7.2.1 (and a 5.4.1 one), written for the listener's version tests.
enum SampleEventsV7 {
    static func header(
        domain: String,
        eventId: String,
        source: String,
        sequence: Int = 0,
        extra: String = ""
    ) -> String {
        """
        {"domain": "\(domain)", "eventId": "\(eventId)", "eventName": "\(domain)_lab", "sequence": \(sequence), \
        "priority": "Normal", "reportingEntityName": "ems-1", "sourceName": "\(source)", \
        "startEpochMicrosec": 1764030000000000, "lastEpochMicrosec": 1764030001000000, "version": "4.1", \
        "vesEventListenerVersion": "7.2.1", "timeZoneOffset": "UTC+01:00"\(extra)}
        """
    }

    static func fault(eventId: String = "f-1", source: String = "du-1", severity: String = "MAJOR") -> String {
        """
        {"commonEventHeader": \(header(domain: "fault", eventId: eventId, source: source)), \
        "faultFields": {"faultFieldsVersion": "4.0", "alarmCondition": "linkDown", "eventSeverity": "\(severity)", \
        "eventSourceType": "port", "specificProblem": "eth1 down", "vfStatus": "Active"}}
        """
    }

    static func heartbeat(eventId: String = "h-1", source: String = "du-1") -> String {
        """
        {"commonEventHeader": \(header(domain: "heartbeat", eventId: eventId, source: source)), \
        "heartbeatFields": {"heartbeatFieldsVersion": "3.0", "heartbeatInterval": 60}}
        """
    }

    /// A stndDefined event; `namespace` nil leaves the member out.
    static func stndDefined(eventId: String = "s-1", namespace: String? = "3GPP-FaultSupervision") -> String {
        let member = namespace.map { #", "stndDefinedNamespace": "\#($0)""# } ?? ""
        return """
            {"commonEventHeader": \(header(domain: "stndDefined", eventId: eventId, source: "du-1", extra: member)), \
            "stndDefinedFields": {"stndDefinedFieldsVersion": "1.0", "data": {"href": "x", "notificationId": 1}}}
            """
    }

    /// A 5.4.1 fault (header version 3.0, faultFieldsVersion 2.0).
    static func faultV5(eventId: String = "f5-1", source: String = "vnf-1") -> String {
        """
        {"commonEventHeader": {"domain": "fault", "eventId": "\(eventId)", "eventName": "Fault_lab", \
        "sequence": 0, "priority": "Normal", "reportingEntityName": "ems-1", "sourceName": "\(source)", \
        "startEpochMicrosec": 1764030000000000, "lastEpochMicrosec": 1764030001000000, "version": 3.0}, \
        "faultFields": {"faultFieldsVersion": 2.0, "alarmCondition": "linkDown", "eventSeverity": "MAJOR", \
        "eventSourceType": "port", "specificProblem": "eth1 down", "vfStatus": "Active"}}
        """
    }
}
