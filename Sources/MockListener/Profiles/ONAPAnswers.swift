import Foundation
import Hummingbird
import JSON
import NIOCore
import VESModel

/// The answers the ONAP VES collector gives, byte for byte where a client might read them: its error bodies
/// (UpperCamel `ServiceException`/`PolicyException`, `variables` only when there are some), the plain-text bodies
/// it sends for an unsupported version or a bad X-MinorVersion, its success text, and its web framework's errors.
enum ONAPAnswers {
    static let schemaFailed = error("SVC0002", "Bad Parameter (JSON does not conform to schema)")
    static let invalidJSONInput = error("SVC0002", "Incorrect JSON payload")
    static let unauthorized = RequestError(kind: .policyException, messageId: "POL2000", text: "Unauthorized user")
    static let missingNamespace = error(
        "SVC2006",
        "Mandatory input %1 %2 is missing from request",
        ["attribute", StndDefinedRules.namespaceField]
    )
    static let emptyNamespace = error(
        "SVC2006",
        "Mandatory input %1 %2 is empty in request",
        ["attribute", StndDefinedRules.namespaceField]
    )
    static let stndDefinedDataFailed = serviceError(
        "event.stndDefinedFields.data invalid against event.stndDefinedFields.schemaReference"
    )
    static let noLocalSchemaReference = error(
        "SVC2004",
        "Invalid input value for %1 %2: %3",
        [
            "attribute", "event.stndDefinedFields.schemaReference",
            "Referred external schema not present in schema repository",
        ]
    )
    static let incorrectFileReference = serviceError(
        "event.stndDefinedFields.schemaReference value does not correspond to any external event schema file in "
            + "externalSchema repo"
    )
    static let differentDomains = error("SVC0001", "Different value of domain fields in Batch Event")
    static let differentNamespaces = error(
        "SVC0001",
        "Value of stndDefinedNamespace fields have to be same when domain is stndDefined"
    )
    static let noStream = serviceError("No domain defined for stream id")
    static let noServerResources = error("SVC1000", "No server resources (internal processing queue full)")

    private static func error(_ id: String, _ text: String, _ variables: [String] = []) -> RequestError {
        RequestError(kind: .serviceException, messageId: id, text: text, variables: variables)
    }

    /// The collector's SVC2000 text lacks the spec's final period.
    private static func serviceError(_ description: String) -> RequestError {
        error("SVC2000", "The following service error occurred: %1. Error code is %2", [description, "400"])
    }

    /// `{"requestError": {"ServiceException": {...}}}` with the collector's key style.
    static func body(_ error: RequestError) -> JSONValue {
        var exception = JSONObject([("messageId", .string(error.messageId)), ("text", .string(error.text))])
        if !error.variables.isEmpty {
            exception["variables"] = .array(error.variables.map(JSONValue.string))
        }
        let key = error.kind == .serviceException ? "ServiceException" : "PolicyException"
        return .object(JSONObject([("requestError", .object(JSONObject([(key, .object(exception))])))]))
    }

    static func response(_ status: HTTPResponse.Status, _ error: RequestError) -> Response {
        ListenerResponder.json(status, body(error))
    }

    /// A body that is text, not JSON, though the collector labels some of it JSON.
    static func text(_ status: HTTPResponse.Status, _ text: String, labelledJSON: Bool) -> Response {
        var headers: HTTPFields = [:]
        headers[.contentType] = labelledJSON ? "application/json" : "text/plain;charset=UTF-8"
        return Response(
            status: status,
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(string: text))
        )
    }

    static func unsupportedVersion(_ segment: String) -> Response {
        text(.badRequest, "API version \(segment) is not supported", labelledJSON: true)
    }

    /// The collector answers a bad X-MinorVersion with its enum constant's name as the whole body.
    static let invalidCustomHeader = "INVALID_CUSTOM_HEADER"

    static func success(accepted: Bool) -> Response {
        text(accepted ? .accepted : .ok, "Successfully send event", labelledJSON: true)
    }

    /// What the collector's web framework (Spring Boot) answers for paths, methods and media types it has no
    /// handler for, and for exceptions nothing catches.
    static func frameworkError(_ status: HTTPResponse.Status, path: String) -> Response {
        let body = JSONValue.object(
            JSONObject([
                ("timestamp", .string(RFC3339.now(precision: .milliseconds))),
                ("status", .integer(Int64(status.code))),
                ("error", .string(status.reasonPhrase)),
                ("path", .string(path)),
            ])
        )
        return ListenerResponder.json(status, body)
    }
}
