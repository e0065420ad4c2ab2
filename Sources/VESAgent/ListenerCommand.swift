public import JSON
import VESModel

/// One command of a listener's `commandList` (in a 202 answer).
public enum ListenerCommand: Sendable, Equatable {
    /// Send measurements every `seconds`, a number from 1 to 86400 (`measurementIntervals`).
    case measurementIntervalChange(seconds: Double)
    /// Post the throttling state in force to `clientThrottlingState`.
    case provideThrottlingState
    /// Suppress fields of one domain's events.
    case throttlingSpecification(ThrottlingPolicy.DomainSpecification)
    /// Accepted; the agent sends no heartbeats.
    case heartbeatIntervalChange(seconds: Double?)
    /// A measurementIntervalChange whose interval is not a number of seconds from 1 to 86400 (`value` as the
    /// listener wrote it, escaped and cut for the log): ignored and counted, so a listener cannot stop or flood
    /// the agent.
    case refusedIntervalChange(value: String)
    /// Entries of one answer past the first `maximumCommands`: ignored and counted.
    case ignoredEntries(count: Int)
    /// Anything else: logged and ignored.
    case unknown(type: String)

    /// Intervals a listener may ask for, in seconds: one second to one day. Anything else is refused, as is
    /// anything that is not a plain number (`"inf"`, `"nan"`, `"0x1p100"`, a 400-digit integer).
    public static let measurementIntervals: ClosedRange<Double> = 1...86_400

    /// Commands taken from one answer; the rest are ignored, so one answer cannot hold the send loop for long.
    public static let maximumCommands = 100

    /// The commands in a 202 body. Entries come in all three shapes the specs use: the bare command, `{"command":
    /// ...}` and `{"commandListEntry": {"command": ...}}`. A body without a commandList gives none. Of several
    /// provideThrottlingState entries only the last is kept (one POST per answer); entries past
    /// ``maximumCommands`` become one ``ignoredEntries(count:)`` at the end.
    public static func parse(body: [UInt8]) -> [ListenerCommand] {
        guard !body.isEmpty, let document = try? JSONParser().parse(body) else { return [] }
        guard let list = document["commandList"]?.arrayValue else { return [] }
        var commands = list.prefix(maximumCommands).map(parse(entry:))
        if let last = commands.lastIndex(of: .provideThrottlingState) {
            commands = commands.enumerated().filter { $0.element != .provideThrottlingState || $0.offset == last }
                .map(\.element)
        }
        if list.count > maximumCommands { commands.append(.ignoredEntries(count: list.count - maximumCommands)) }
        return commands
    }

    static func parse(entry: JSONValue) -> ListenerCommand {
        var command = entry
        if let inner = command["commandListEntry"] { command = inner }
        if let inner = command["command"] { command = inner }
        let type = command["commandType"]?.stringValue ?? ""
        switch type {
        case "measurementIntervalChange":
            guard let seconds = number(command["measurementInterval"]), measurementIntervals.contains(seconds) else {
                return .refusedIntervalChange(value: shown(command["measurementInterval"]))
            }
            return .measurementIntervalChange(seconds: seconds)
        case "provideThrottlingState":
            return .provideThrottlingState
        case "throttlingSpecification":
            guard let specification = command["eventDomainThrottleSpecification"],
                let parsed = ThrottlingPolicy.DomainSpecification(json: specification)
            else {
                return .unknown(type: "throttlingSpecification without an eventDomainThrottleSpecification")
            }
            return .throttlingSpecification(parsed)
        case "heartbeatIntervalChange":
            return .heartbeatIntervalChange(seconds: number(command["heartbeatInterval"]))
        default:
            return .unknown(type: type.isEmpty ? "a command without commandType" : LogText.escaped(type, limit: 100))
        }
    }

    /// A finite number, also when written as a string of decimal digits with an optional fraction (the spec's
    /// own example sends `"600"`); `"inf"`, `"nan"`, hexadecimal and exponents in strings are not numbers here,
    /// and an integer too long for a Double's range is none either.
    static func number(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        if let number = value.doubleValue { return number.isFinite ? number : nil }
        guard let text = value.stringValue, isPlainDecimal(text), let number = Double(text) else { return nil }
        return number.isFinite ? number : nil
    }

    /// `600`, `-5`, `2.5`: an optional minus, digits and an optional fraction; at most 40 characters.
    private static func isPlainDecimal(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty, bytes.count <= 40 else { return false }
        let digits = bytes.first == UInt8(ascii: "-") ? bytes.dropFirst() : bytes[...]
        let parts = digits.split(separator: UInt8(ascii: "."), maxSplits: 1, omittingEmptySubsequences: false)
        return parts.allSatisfy { part in !part.isEmpty && part.allSatisfy { (48...57).contains($0) } }
    }

    /// A value as the log shows it: a string's text or a number's JSON, escaped and cut.
    private static func shown(_ value: JSONValue?) -> String {
        guard let value else { return "none" }
        if let text = value.stringValue { return "\"" + String(text.prefix(40)) + "\"" }
        if case .largeInteger(let digits) = value { return String(digits.prefix(40)) }
        if let integer = value.intValue { return String(integer) }
        if let number = value.doubleValue { return String(number) }
        return value.typeName
    }
}

/// The fields a listener asked the agent to suppress, per domain. Required fields are never suppressed.
public struct ThrottlingPolicy: Sendable, Equatable {
    /// One `eventDomainThrottleSpecification`.
    public struct DomainSpecification: Sendable, Equatable {
        public var eventDomain: String
        public var suppressedFieldNames: [String]
        /// Name-value field name → names to drop from it.
        public var suppressedPairs: [(field: String, names: [String])]

        public init(
            eventDomain: String,
            suppressedFieldNames: [String],
            suppressedPairs: [(field: String, names: [String])]
        ) {
            self.eventDomain = eventDomain
            self.suppressedFieldNames = suppressedFieldNames
            self.suppressedPairs = suppressedPairs
        }

        init?(json: JSONValue) {
            var value = json
            if let inner = value["eventDomainThrottleSpecification"] { value = inner }
            guard let domain = value["eventDomain"]?.stringValue else { return nil }
            eventDomain = domain
            suppressedFieldNames = value["suppressedFieldNames"]?.arrayValue?.compactMap(\.stringValue) ?? []
            var pairs: [(field: String, names: [String])] = []
            for item in value["suppressedNvPairsList"]?.arrayValue ?? [] {
                let pair = item["suppressedNvPairs"] ?? item
                if let field = pair["nvPairFieldName"]?.stringValue {
                    pairs.append((field, pair["suppressedNvPairNames"]?.arrayValue?.compactMap(\.stringValue) ?? []))
                }
            }
            suppressedPairs = pairs
        }

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.eventDomain == rhs.eventDomain && lhs.suppressedFieldNames == rhs.suppressedFieldNames
                && lhs.suppressedPairs.map(\.field) == rhs.suppressedPairs.map(\.field)
                && lhs.suppressedPairs.map(\.names) == rhs.suppressedPairs.map(\.names)
        }

        var json: JSONValue {
            var object = JSONObject([("eventDomain", .string(eventDomain))])
            if !suppressedFieldNames.isEmpty {
                object["suppressedFieldNames"] = .array(suppressedFieldNames.map { .string($0) })
            }
            if !suppressedPairs.isEmpty {
                object["suppressedNvPairsList"] = .array(
                    suppressedPairs.map { pair in
                        .object(
                            JSONObject([
                                ("nvPairFieldName", .string(pair.field)),
                                ("suppressedNvPairNames", .array(pair.names.map { .string($0) })),
                            ])
                        )
                    }
                )
            }
            return .object(JSONObject([("eventDomainThrottleSpecification", .object(object))]))
        }
    }

    public private(set) var byDomain: [String: DomainSpecification] = [:]
    /// Domains in the order their specification arrived, for the throttling state.
    private var order: [String] = []

    public init() {}

    /// Whether any domain is throttled.
    public var isThrottled: Bool { !byDomain.isEmpty }

    /// Domains that may be throttled at once; a specification for one more is refused, so a listener cannot grow
    /// the policy (and the state posted back) without bound. VES has a handful of domains.
    public static let maximumDomains = 100

    /// A new specification replaces the one for its domain; one that suppresses nothing ends the throttling.
    /// Returns false, changing nothing, when it names a new domain while ``maximumDomains`` are throttled.
    @discardableResult
    public mutating func set(_ specification: DomainSpecification) -> Bool {
        if specification.suppressedFieldNames.isEmpty && specification.suppressedPairs.isEmpty {
            byDomain[specification.eventDomain] = nil
            order.removeAll { $0 == specification.eventDomain }
            return true
        }
        if byDomain[specification.eventDomain] == nil {
            guard order.count < Self.maximumDomains else { return false }
            order.append(specification.eventDomain)
        }
        byDomain[specification.eventDomain] = specification
        return true
    }

    /// The body posted to `clientThrottlingState`.
    public var stateBody: JSONValue {
        var state = JSONObject([("eventThrottlingMode", .string(isThrottled ? "throttled" : "normal"))])
        if isThrottled {
            state["eventDomainThrottleSpecificationList"] = .array(order.compactMap { byDomain[$0]?.json })
        }
        return .object(JSONObject([("eventThrottlingState", .object(state))]))
    }
}
