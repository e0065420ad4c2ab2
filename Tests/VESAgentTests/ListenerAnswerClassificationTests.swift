import Testing

@testable import VESAgent

/// Which answers split, drop, or hold events (review M7), decided from the status and the `requestError`.
@Suite("Listener answer classification")
struct ListenerAnswerClassificationTests {
    static func body(_ messageId: String, kind: String = "serviceException", variables: [String] = []) -> [UInt8] {
        let list = variables.map { "\"\($0)\"" }.joined(separator: ", ")
        return Array(
            "{\"requestError\": {\"\(kind)\": {\"messageId\": \"\(messageId)\", \"text\": \"t %1\", \"variables\": [\(list)]}}}"
                .utf8
        )
    }

    static func kind(_ answer: ListenerAnswer) -> String {
        switch answer {
        case .delivered: "delivered"
        case .retry: "retry"
        case .unauthorized: "unauthorized"
        case .tooLarge: "tooLarge"
        case .invalid: "invalid"
        }
    }

    static func classify(_ status: Int, _ body: [UInt8] = []) -> String {
        kind(ListenerAnswer.classify(status: status, body: body, url: "http://127.0.0.1/eventListener/v1"))
    }

    @Test("body too large splits, in the spec's and the ONAP collector's spelling") func tooLarge() {
        #expect(Self.classify(413) == "tooLarge")
        #expect(Self.classify(400, Self.body("POL9003", kind: "policyException")) == "tooLarge")
        #expect(Self.classify(400, Self.body("POL9003", kind: "PolicyException")) == "tooLarge")
    }

    @Test("only a 400 that names the events invalid drops them") func invalid() {
        for id in ["SVC0001", "SVC0002", "SVC2004", "SVC2006"] {
            #expect(Self.classify(400, Self.body(id, variables: ["/event/x"])) == "invalid", "\(id)")
        }
        #expect(Self.classify(400, Self.body("SVC0002", kind: "ServiceException")) == "invalid")
        // a generic service error, a policy error or no requestError at all holds the events
        #expect(Self.classify(400, Self.body("SVC2000")) == "retry")
        #expect(Self.classify(400, Self.body("POL0001", kind: "policyException")) == "retry")
        #expect(Self.classify(400, Array("not json".utf8)) == "retry")
        #expect(Self.classify(400) == "retry")
    }

    @Test("credentials refused and every other answer hold the events") func held() {
        #expect(Self.classify(401, Self.body("POL0001", kind: "policyException")) == "unauthorized")
        #expect(Self.classify(403) == "unauthorized")
        for status in [404, 405, 408, 409, 415, 429, 500, 502, 503, 599] {
            #expect(Self.classify(status) == "retry", "\(status)")
        }
    }

    @Test("the answer's text and pointers are escaped for the log") func escaped() {
        let answer = ListenerAnswer.classify(
            status: 400,
            body: Self.body("SVC0002", variables: ["/event/a\\nFAKE LOG LINE", "/event/\\u001b[31mred"]),
            url: "http://127.0.0.1/eventListener/v1"
        )
        guard case .invalid(_, let reason, _) = answer else {
            Issue.record("not invalid: \(answer)")
            return
        }
        #expect(!reason.contains("\n") && !reason.contains("\u{1b}"), "\(reason)")
        #expect(reason.contains("/event/a\\nFAKE LOG LINE"))
    }
}
