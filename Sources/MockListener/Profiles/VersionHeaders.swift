import HTTPTypes
import Hummingbird
import VESModel

/// The HTTP headers a version's spec puts on the listener's answers, and its check of the client's
/// `X-MinorVersion`.
enum VersionHeaders {
    static let minorVersion = HTTPField.Name("X-MinorVersion")!
    static let patchVersion = HTTPField.Name("X-PatchVersion")!
    static let latestVersion = HTTPField.Name("X-LatestVersion")!

    /// Adds what the route's version puts on every answer (7.x: its minor, patch and full version).
    static func stamp(_ response: inout Response, version: VESVersion?) {
        guard let version, version.hasVersionHeaders else { return }
        response.headers[minorVersion] = String(version.parts.minor)
        response.headers[patchVersion] = String(version.parts.patch)
        response.headers[latestVersion] = version.rawValue
    }

    /// Why the request's `X-MinorVersion` cannot be served, or nil: it must be a whole number of a minor version
    /// of the route's major version that the listener has (7.2.1 serves 0, 1 and 2).
    static func unservedMinorVersion(in request: Request, version: VESVersion?) -> String? {
        guard let version, version.hasVersionHeaders, let text = request.headers[minorVersion] else { return nil }
        let served = version.servedMinorVersions
        guard let minor = Int(text[...].trimmingSpaces()), served.contains(minor) else {
            return "X-MinorVersion '\(text)' is not served here; this listener serves "
                + served.map { "\(version.parts.major).\($0)" }.joined(separator: ", ")
                + " (latest \(version.rawValue))"
        }
        return nil
    }
}
