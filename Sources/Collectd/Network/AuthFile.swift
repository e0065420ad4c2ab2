internal import Crypto

/// The users and passwords a collectd server accepts, in collectd's `AuthFile` format (`user: password` lines).
///
/// Keys for HMAC-SHA-256 and AES-256 are derived once here, so checking a datagram does no per-user setup.
public struct AuthFile: Sendable {
    struct Credentials: Sendable {
        var password: String
        var passwordBytes: [UInt8]
        /// SHA-256 of the password: the AES-256 key of encrypted datagrams.
        var encryptionKey: [UInt8]
    }

    private var users: [String: Credentials] = [:]

    /// The users with their passwords.
    public init(users: [String: String]) {
        for (user, password) in users {
            self.users[user] = Self.credentials(password)
        }
    }

    /// Parses the file as collectd does: leading whitespace and `#` comment lines and blank lines skipped, the user
    /// ends at the first `:`, the password is the rest without its leading whitespace; the first line for a user
    /// wins. A line without `:` (collectd ignores it) is an error naming the line, since it is almost always a typo.
    public init(parsing text: String) throws(CollectdError) {
        for (number, line) in TextFile.lines(text) {
            let content = line.drop(while: { $0 == " " || $0 == "\t" })
            if content.isEmpty || content.hasPrefix("#") { continue }
            guard let colon = content.firstIndex(of: ":") else {
                throw CollectdError(
                    code: .authFileSyntax,
                    message: "line \(number) has no ':'; expected 'user: password'"
                )
            }
            let user = String(content[..<colon])
            let password = String(content[content.index(after: colon)...].drop(while: { $0 == " " || $0 == "\t" }))
            if users[user] == nil {
                users[user] = Self.credentials(password)
            }
        }
    }

    /// Loads an auth file.
    public static func load(path: String) throws(CollectdError) -> AuthFile {
        let text = try TextFile.readString(path: path, what: "auth file")
        do {
            return try AuthFile(parsing: text)
        } catch {
            throw CollectdError(code: error.code, message: "\(path): \(error.message)")
        }
    }

    /// The password of a user, or nil when the user is unknown.
    public func password(for user: String) -> String? {
        users[user]?.password
    }

    /// The user names, sorted.
    public var userNames: [String] {
        users.keys.sorted()
    }

    func credentials(for user: String) -> Credentials? {
        users[user]
    }

    static func credentials(_ password: String) -> Credentials {
        let bytes = Array(password.utf8)
        return Credentials(password: password, passwordBytes: bytes, encryptionKey: Array(SHA256.hash(data: bytes)))
    }
}
