import JSON
import VESModel

/// What every 5.4.1 and 7.2.1 event carries from the configuration: the header's naming codes, vendor and time zone.
struct HeaderConstants: Sendable {
    var nfNamingCode = ""
    var nfcNamingCode = ""
    var nfVendorName = ""
    var timeZoneOffset = ""
}

/// A streaming JSON writer for the 5.4.1 and 7.2.1 encoders (json.dumps's spacing, as the 1.1 events have), that
/// leaves out the members of a domain's field block a listener's throttlingSpecification suppressed (5.4.1's
/// command list), never a required one.
struct FieldBlockWriter {
    var json = PythonJSONWriter(capacity: 2048)
    private let suppressedFields: Set<String>
    private let suppressedPairs: [String: Set<String>]
    /// The required members of the block being written.
    var required: Set<String> = []

    init(throttling: ThrottlingPolicy.DomainSpecification?) {
        suppressedFields = Set(throttling?.suppressedFieldNames ?? [])
        var pairs: [String: Set<String>] = [:]
        for pair in throttling?.suppressedPairs ?? [] { pairs[pair.field, default: []].formUnion(pair.names) }
        suppressedPairs = pairs
    }

    /// Whether a member of the block is written.
    func keeps(_ field: String) -> Bool {
        !suppressedFields.contains(field) || required.contains(field)
    }

    /// Whether a named item of a name-value field (an additionalMeasurements group, an alarmAdditionalInformation
    /// entry) is written.
    func keeps(item name: String, of field: String) -> Bool {
        !(suppressedPairs[field]?.contains(name) ?? false)
    }

    mutating func string(_ key: String, _ value: String) {
        guard keeps(key) else { return }
        json.key(key)
        json.string(value)
    }

    mutating func number(_ key: String, _ value: PythonNumber) {
        guard keeps(key) else { return }
        json.key(key)
        value.write(to: &json)
    }

    /// An array of measurement items (left out when empty): `identifierKey` first, then the numbers, then the texts.
    mutating func items(_ key: String, identifierKey: String?, _ items: [MeasurementItem]) {
        guard !items.isEmpty, keeps(key) else { return }
        json.key(key)
        json.beginArray()
        for item in items {
            json.beginObject()
            if let identifierKey, let identifier = item.identifier {
                json.key(identifierKey)
                json.string(identifier)
            }
            for (name, value) in item.numbers {
                json.key(name)
                value.write(to: &json)
            }
            for (name, value) in item.texts {
                json.key(name)
                json.string(value)
            }
            json.endObject()
        }
        json.endArray()
    }

    /// A header member written only when configured (naming codes, vendor, time zone).
    mutating func optionalHeaderString(_ key: String, _ value: String) {
        guard !value.isEmpty else { return }
        json.key(key)
        json.string(value)
    }
}

/// The encoder of the version in force.
enum ONAPEncoder: Sendable {
    case ves541(VES541Encoder)
    case ves721(VES721Encoder)

    init(version: VESVersion, header: HeaderConstants) {
        self = version == .ves721 ? .ves721(VES721Encoder(header: header)) : .ves541(VES541Encoder(header: header))
    }

    func encode(_ event: ONAPEvent, throttling: ThrottlingPolicy) -> BuiltEvent {
        switch self {
        case .ves541(let encoder): encoder.encode(event, throttling: throttling)
        case .ves721(let encoder): encoder.encode(event)
        }
    }
}
