import JSON
import JSONSchema
import VESModel

/// The 7.2 rules for stndDefined events that no schema states: the namespace must be there and not empty.
enum StndDefinedRules {
    static let missingNamespace = "SVC2006"
    static let emptyNamespace = "SVC2004"
    static let namespaceField = "event.commonEventHeader.stndDefinedNamespace"

    /// Violations of the namespace rules, keyword SVC2006 or SVC2004 so the answer can use that exception.
    static func namespaceViolations(_ event: JSONValue, pointer: String) -> [Violation] {
        guard let header = event["commonEventHeader"], header["domain"]?.stringValue == "stndDefined" else {
            return []
        }
        let namespacePointer = pointer + "/commonEventHeader/stndDefinedNamespace"
        switch header["stndDefinedNamespace"] {
        case nil:
            return [
                Violation(
                    pointer: namespacePointer,
                    message:
                        "a stndDefined event needs 'stndDefinedNamespace' (it names the standard the data follows)",
                    keyword: missingNamespace
                )
            ]
        case .string(let namespace)? where namespace.isEmpty:
            return [
                Violation(
                    pointer: namespacePointer,
                    message: "'stndDefinedNamespace' is empty; name the standard, e.g. '3GPP-FaultSupervision'",
                    keyword: emptyNamespace
                )
            ]
        default:
            return []
        }
    }

    static func isNamespaceKeyword(_ keyword: String) -> Bool {
        keyword == missingNamespace || keyword == emptyNamespace
    }

    /// The exception the 7.2.1 spec names for a namespace violation.
    static func requestError(keyword: String) -> RequestError? {
        switch keyword {
        case missingNamespace: .mandatoryInputMissing(namespaceField)
        case emptyNamespace: .invalidInputValue(namespaceField, reason: "empty")
        default: nil
        }
    }
}

/// Keywords of the violations the stndDefined data check reports, so answers can tell them apart.
enum StndDefinedKeyword {
    /// The data breaks the schema its schemaReference names: `stndDefined:` before the schema's own keyword.
    static let data = "stndDefined"
    /// No loaded schema map knows the schemaReference's file.
    static let unknownReference = "stndDefined-unknown-reference"
    /// The file is known but the part after '#' names nothing in it.
    static let badFragment = "stndDefined-bad-reference"
}

/// The 7.x rule for batches: one domain, and for stndDefined one namespace.
enum BatchRules {
    static let keyword = "batch"

    /// The first item whose domain (or stndDefined namespace) differs from the first item's, with a violation
    /// naming both.
    static func firstMismatch(in items: [JSONValue]) -> (index: Int, violation: Violation)? {
        guard let first = items.first?["commonEventHeader"] else { return nil }
        let domain = first["domain"]?.stringValue
        let namespace = first["stndDefinedNamespace"]?.stringValue
        for (index, item) in items.enumerated().dropFirst() {
            let header = item["commonEventHeader"]
            let itemDomain = header?["domain"]?.stringValue
            let pointer = JSONPointer.appending(index, to: "/eventList") + "/commonEventHeader"
            if itemDomain != domain {
                return (
                    index,
                    Violation(
                        pointer: pointer + "/domain",
                        message: "domain \(quoted(itemDomain)) differs from \(quoted(domain)) of /eventList/0; "
                            + "a batch holds events of one domain",
                        keyword: keyword
                    )
                )
            }
            let itemNamespace = header?["stndDefinedNamespace"]?.stringValue
            if domain == "stndDefined", itemNamespace != namespace {
                return (
                    index,
                    Violation(
                        pointer: pointer + "/stndDefinedNamespace",
                        message: "stndDefinedNamespace \(quoted(itemNamespace)) differs from \(quoted(namespace)) "
                            + "of /eventList/0; a stndDefined batch holds events of one namespace",
                        keyword: keyword
                    )
                )
            }
        }
        return nil
    }

    private static func quoted(_ text: String?) -> String {
        text.map { "'\($0)'" } ?? "(none)"
    }
}
