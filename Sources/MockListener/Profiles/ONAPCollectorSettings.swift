import JSON
import Platform
import VESModel

/// What the ONAP VES collector is configured to do, read from its own files (`collector.properties`, the
/// routing file and the API version description), so `--profile onap` answers as that deployment would.
public struct ONAPCollectorSettings: Sendable {
    /// Schema file named per API version (`v1` ... `v7`), as `collector.schema.file` gives it.
    public var schemaFiles: [String: String]
    /// `collector.schema.checkflag`: off, the collector checks neither the envelope nor the schema.
    public var checksSchema: Bool
    /// `collector.externalSchema.checkflag`: the second stage that checks stndDefined data.
    public var checksStndDefinedData: Bool
    /// `collector.dmaap.streamid`: domain (or stndDefined namespace) -> stream.
    public var streams: [String: String]
    /// The routing file (`collector.dmaapfile`): stream -> where it publishes (a topic URL), named in the record's
    /// note on each routed event; nil when not read.
    public var publishers: [String: String]?
    /// `event.transform.flag`: v7 events are rewritten to 5.x before routing (`measurement` routes as
    /// `measurementsForVfScaling`).
    public var transformsEvents: Bool
    /// `collector.response.compatibility`: `v7.2` answers 202, anything else 200.
    public var answersAccepted: Bool
    /// `auth.method`: `noAuth` or `certBasicAuth` (Basic credentials come from `--username`/`--password`).
    public var authMethod: String
    /// Versions the API version description lists (`7.2`, `5.4.1`): a request's X-MinorVersion must be a minor
    /// of one of them with the route's major.
    public var describedVersions: [String]

    /// The collector's shipped defaults.
    public init() {
        let older = "CommonEventFormat_27.2.json"
        schemaFiles = [
            "v1": older, "v2": older, "v3": older, "v4": older, "v5": "CommonEventFormat_28.4.1.json",
            "v7": "CommonEventFormat_30.2.1_ONAP.json",
        ]
        checksSchema = true
        checksStndDefinedData = true
        streams = Dictionary(
            uniqueKeysWithValues: [
                "fault", "syslog", "heartbeat", "measurementsForVfScaling", "mobileFlow", "other", "stateChange",
                "thresholdCrossingAlert", "voiceQuality", "sipSignaling", "notification", "pnfRegistration",
                "3GPP-FaultSupervision", "3GPP-Heartbeat", "3GPP-Provisioning", "3GPP-PerformanceAssurance",
            ].map { ($0, "ves-" + $0) }
        )
        transformsEvents = true
        answersAccepted = true
        authMethod = "noAuth"
        describedVersions = ["4.7.2", "5.4.1", "7.2"]
    }

    /// Reads `collector.properties` in `directory` (and the API version description it names, when found
    /// beside it); keys it lacks keep the collector's defaults.
    public init(directory: String) throws(ListenerError) {
        self.init()
        let path = directory + "/collector.properties"
        let properties = try Self.properties(path)
        if let text = properties["collector.schema.file"] {
            schemaFiles = try Self.schemaFiles(text, path: path)
        }
        checksSchema = properties["collector.schema.checkflag"].map { $0 == "1" } ?? checksSchema
        checksStndDefinedData = properties["collector.externalSchema.checkflag"].map { $0 == "1" } ?? true
        if let text = properties["collector.dmaap.streamid"] {
            streams = [:]
            for entry in text.split(separator: "|") {
                let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2, !parts[0].isEmpty else {
                    throw ListenerError(
                        code: .profile,
                        message: "\(path): collector.dmaap.streamid entry '\(entry)' is not DOMAIN=STREAM"
                    )
                }
                streams[parts[0]] = parts[1]
            }
        }
        transformsEvents = properties["event.transform.flag"].map { $0 == "1" } ?? transformsEvents
        answersAccepted = properties["collector.response.compatibility"].map { $0 == "v7.2" } ?? true
        authMethod = properties["auth.method"] ?? authMethod
        guard ["noAuth", "certBasicAuth"].contains(authMethod) else {
            throw ListenerError(
                code: .profile,
                message: "\(path): auth.method '\(authMethod)' is not one the collector knows (noAuth, certBasicAuth)"
            )
        }
        if let location = properties["collector.dmaapfile"] {
            let name = location.split(separator: "/").last.map(String.init) ?? location
            if let bytes = try? FileBytes.read(directory + "/" + name) {
                publishers = try Self.publishers(bytes, path: directory + "/" + name)
            }
        }
        if let location = properties["collector.description.api.version.location"] {
            let name = location.split(separator: "/").last.map(String.init) ?? location
            if let bytes = try? FileBytes.read(directory + "/" + name) {
                describedVersions = try Self.describedVersions(bytes, path: directory + "/" + name)
            }
        }
    }

    /// The stream an event goes to: its stndDefined namespace or its domain, after the collector's rename.
    func stream(domain: String?, namespace: String?, segment: String) -> String? {
        guard var key = domain else { return nil }
        if key == "stndDefined" {
            key = namespace ?? ""
        } else if transformsEvents, segment == "v7", key == "measurement" {
            key = "measurementsForVfScaling"
        }
        return streams[key]
    }

    /// Whether a request's X-MinorVersion names a minor version described for the route's major one.
    func serves(minorVersion: String, major: String) -> Bool {
        describedVersions.contains { version in
            let parts = version.split(separator: ".")
            return parts.count >= 2 && parts[0] == major && parts[1] == minorVersion
        }
    }

    // MARK: Reading the collector's files

    /// Java properties: `key=value` lines, `#`/`!` comments, backslash escapes.
    static func properties(_ path: String) throws(ListenerError) -> [String: String] {
        let bytes: [UInt8]
        do {
            bytes = try FileBytes.read(path)
        } catch {
            throw ListenerError(
                code: .profile,
                message: "cannot read \(path): \(error.message); --onap-config names the folder of collector.properties"
            )
        }
        var result: [String: String] = [:]
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            guard let first = line.first, first != "#", first != "!" else { continue }
            guard let separator = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<separator].trimmingSpaces()
            let value = line[line.index(after: separator)...].trimmingSpaces()
            result[String(key)] = unescaped(value)
        }
        return result
    }

    private static func unescaped(_ text: Substring) -> String {
        var result = ""
        var escaping = false
        for character in text {
            if escaping {
                result.append(character == "n" ? "\n" : character == "t" ? "\t" : character)
                escaping = false
            } else if character == "\\" {
                escaping = true
            } else {
                result.append(character)
            }
        }
        return result
    }

    private static func schemaFiles(_ text: String, path: String) throws(ListenerError) -> [String: String] {
        guard case .object(let object)? = try? JSONParser().parse(Array(text.utf8)) else {
            throw ListenerError(
                code: .profile,
                message: "\(path): collector.schema.file is not a JSON object of version -> schema file"
            )
        }
        var files: [String: String] = [:]
        for member in object.members {
            guard let file = member.value.stringValue, member.key.first == "v", Int(member.key.dropFirst()) != nil
            else {
                throw ListenerError(
                    code: .profile,
                    message: "\(path): collector.schema.file entry '\(member.key)' is not vN -> file name"
                )
            }
            files[member.key] = file
        }
        return files
    }

    /// `{"STREAM": {"type": ..., "dmaap_info": {"topic_url": ...}}, ...}`: each stream and where it publishes.
    private static func publishers(_ bytes: [UInt8], path: String) throws(ListenerError) -> [String: String] {
        guard case .object(let object)? = try? JSONParser().parse(bytes) else {
            throw ListenerError(
                code: .profile,
                message: "\(path) is not the collector's routing file (a JSON object of stream -> publisher)"
            )
        }
        var result: [String: String] = [:]
        for member in object.members {
            result[member.key] =
                member.value["dmaap_info"]?["topic_url"]?.stringValue ?? member.value["type"]?.stringValue ?? ""
        }
        return result
    }

    private static func describedVersions(_ bytes: [UInt8], path: String) throws(ListenerError) -> [String] {
        guard let document = try? JSONParser().parse(bytes),
            case .array(let versions)? = document["apiVersion"]?["eventListener"]
        else {
            throw ListenerError(
                code: .profile,
                message: "\(path) is not an API version description ({\"apiVersion\": {\"eventListener\": [...]}})"
            )
        }
        return versions.compactMap(\.stringValue)
    }
}

extension ONAPCollectorSettings {
    /// Built-in field sets standing for the schema files the collector ships, by file name.
    static let builtInFiles: [String: VESVersion] = [
        "CommonEventFormat_28.4.1.json": .ves541,
        "CommonEventFormat_30.2.1_ONAP.json": .ves721,
    ]

    /// The schema a `collector.schema.file` entry names: the file found in one of `directories` (by its last path
    /// component), else the built-in set that stands for it.
    static func schema(named file: String, in directories: [String]) throws(ListenerError) -> EventSchema {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        for directory in directories {
            let path = directory + "/" + name
            if FileBytes.exists(path) {
                return try EventSchema.named(path)
            }
        }
        if let version = builtInFiles[name] {
            return EventSchema.builtIn(version)
        }
        throw ListenerError(
            code: .profile,
            message: "the collector's schema map names '\(name)', found in none of "
                + (directories.isEmpty ? "(no folders)" : directories.joined(separator: ", "))
                + "; give the folder that holds it with --schema-dir, or serve that version with --schema-for"
        )
    }
}
