public import JSON
import VESModel

/// One command of a listener's `commandList` (in a 202 answer).
public enum ListenerCommand: Sendable, Equatable {
    /// Send measurements every `seconds`; 0 restores the configured SendEventInterval.
    case measurementIntervalChange(seconds: Double)
    /// Post the throttling state in force to `clientThrottlingState`.
    case provideThrottlingState
    /// Suppress fields of one domain's events.
    case throttlingSpecification(ThrottlingPolicy.DomainSpecification)
    /// Accepted; the agent sends no heartbeats.
    case heartbeatIntervalChange(seconds: Double?)
    /// Anything else: logged and ignored.
    case unknown(type: String)

    /// The commands in a 202 body. Entries come in all three shapes the specs use: the bare command, `{"command":
    /// ...}` and `{"commandListEntry": {"command": ...}}`. A body without a commandList gives none.
    public static func parse(body: [UInt8]) -> [ListenerCommand] {
        guard !body.isEmpty, let document = try? JSONParser().parse(body) else { return [] }
        guard let list = document["commandList"]?.arrayValue else { return [] }
        return list.map(parse(entry:))
    }

    static func parse(entry: JSONValue) -> ListenerCommand {
        var command = entry
        if let inner = command["commandListEntry"] { command = inner }
        if let inner = command["command"] { command = inner }
        let type = command["commandType"]?.stringValue ?? ""
        switch type {
        case "measurementIntervalChange":
            guard let seconds = number(command["measurementInterval"]), seconds >= 0 else {
                return .unknown(type: "measurementIntervalChange without a valid measurementInterval")
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
            return .unknown(type: type.isEmpty ? "a command without commandType" : type)
        }
    }

    /// A number, also when written as a string (the spec's own example sends `"600"`).
    static func number(_ value: JSONValue?) -> Double? {
        guard let value else { return nil }
        if let number = value.doubleValue { return number }
        if let text = value.stringValue { return Double(text) }
        return nil
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

    /// A new specification replaces the one for its domain; one that suppresses nothing ends the throttling.
    public mutating func set(_ specification: DomainSpecification) {
        if specification.suppressedFieldNames.isEmpty && specification.suppressedPairs.isEmpty {
            byDomain[specification.eventDomain] = nil
            order.removeAll { $0 == specification.eventDomain }
            return
        }
        if byDomain[specification.eventDomain] == nil { order.append(specification.eventDomain) }
        byDomain[specification.eventDomain] = specification
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
