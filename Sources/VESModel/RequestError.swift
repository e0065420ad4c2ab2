public import JSON

/// The error body a VES event listener answers with (`requestError`, spec section "Datatype: requestError").
///
/// Agents parse these to decide whether to retry, so the shapes and message ids follow the spec's
/// exception tables exactly; the human-readable reasons travel in `variables`.
public struct RequestError: Sendable, Equatable, Error {
    /// Which exception table the message id comes from.
    public enum Kind: String, Sendable {
        case serviceException
        case policyException
    }

    public var kind: Kind
    public var messageId: String
    /// Message text with `%n` placeholders, 1-based into `variables`.
    public var text: String
    public var variables: [String]

    public init(kind: Kind, messageId: String, text: String, variables: [String] = []) {
        self.kind = kind
        self.messageId = messageId
        self.text = text
        self.variables = variables
    }

    /// SVC0002: one or more message parts (JSON pointers) hold invalid values.
    public static func badParameters(_ pointers: [String]) -> RequestError {
        let parts = pointers.isEmpty ? ["/"] : pointers
        let placeholders = (1...parts.count).map { "%\($0)" }.joined(separator: ", ")
        let noun = parts.count == 1 ? "message part" : "message parts"
        return RequestError(
            kind: .serviceException,
            messageId: "SVC0002",
            text: "Invalid input value for \(noun) \(placeholders)",
            variables: parts
        )
    }

    /// SVC2000: a service error described in words, with the HTTP status as the error code.
    public static func serviceError(_ description: String, status: Int = 400) -> RequestError {
        RequestError(
            kind: .serviceException,
            messageId: "SVC2000",
            text: "The following service error occurred: %1. Error code is %2.",
            variables: [description, String(status)]
        )
    }

    /// SVC2006 (7.2): a field the request must carry is missing, such as a stndDefined event's namespace.
    public static func mandatoryInputMissing(_ field: String) -> RequestError {
        RequestError(
            kind: .serviceException,
            messageId: "SVC2006",
            text: "Mandatory input %1 %2 is missing from request",
            variables: ["attribute", field]
        )
    }

    /// SVC2004 (7.2): a field holds a value the listener cannot use, such as an empty stndDefined namespace.
    public static func invalidInputValue(_ field: String, reason: String) -> RequestError {
        RequestError(
            kind: .serviceException,
            messageId: "SVC2004",
            text: "Invalid input value for %1 %2: %3",
            variables: ["attribute", field, reason]
        )
    }

    /// POL0001: authentication failed.
    public static let policyError = RequestError(
        kind: .policyException,
        messageId: "POL0001",
        text: "A policy error occurred."
    )

    /// POL9003: the body is larger than the listener accepts.
    public static let messageTooLarge = RequestError(
        kind: .policyException,
        messageId: "POL9003",
        text: "Message content size exceeds the allowable limit"
    )

    /// `text` with every `%n` replaced by its variable, for logs and reports.
    public var renderedText: String {
        var result = ""
        var characters = text[...]
        while let percent = characters.firstIndex(of: "%") {
            result += characters[..<percent]
            let digits = characters[characters.index(after: percent)...].prefix(while: \.isASCII).prefix(
                while: \.isNumber
            )
            if let number = Int(digits), number >= 1, number <= variables.count {
                result += variables[number - 1]
                characters = characters[digits.endIndex...]
            } else {
                result += "%"
                characters = characters[characters.index(after: percent)...]
            }
        }
        return result + characters
    }

    /// `{"requestError": {"serviceException"|"policyException": {...}}}`.
    public var json: JSONValue {
        var exception = JSONObject([("messageId", .string(messageId)), ("text", .string(text))])
        if !variables.isEmpty {
            exception["variables"] = .array(variables.map(JSONValue.string))
        }
        return .object(JSONObject([("requestError", .object(JSONObject([(kind.rawValue, .object(exception))])))]))
    }

    /// Reads a listener's error body; nil when it is not a `requestError`.
    public init?(json: JSONValue) {
        guard case .object(let root)? = json["requestError"] else { return nil }
        for kind in [Kind.serviceException, .policyException] {
            guard case .object(let exception)? = root[kind.rawValue] else { continue }
            guard let messageId = exception["messageId"]?.stringValue else { return nil }
            let variables: [String] =
                switch exception["variables"] {
                case .array(let items)?: items.compactMap(\.stringValue)
                case .string(let single)?: [single]
                default: []
                }
            self.init(
                kind: kind,
                messageId: messageId,
                text: exception["text"]?.stringValue ?? "",
                variables: variables
            )
            return
        }
        return nil
    }
}
