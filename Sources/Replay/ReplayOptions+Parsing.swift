public import Collectd

/// The command line's words for replay options, read here so the program and the tests agree on them.
extension ReplayOptions {
    /// Adds `OLD=NEW` host renames (`--rename-host`, repeatable).
    public mutating func addRenames(_ entries: [String]) throws(ReplayError) {
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ReplayError(code: .option, message: "--rename-host takes OLD=NEW, not '\(entry)'")
            }
            renamedHosts[parts[0]] = parts[1]
        }
    }

    /// Signs (`--sign USER:PASSWORD`) or encrypts (`--encrypt USER:PASSWORD`) what is sent, and gathers every
    /// password known (those and an `--auth-file`) so captured signed or encrypted datagrams can be decoded.
    public mutating func setSecurity(sign: String?, encrypt: String?, authFile: AuthFile?) throws(ReplayError) {
        guard sign == nil || encrypt == nil else {
            throw ReplayError(code: .option, message: "--sign and --encrypt exclude each other")
        }
        var users: [String: String] = [:]
        if let sign {
            let (user, password) = try Self.credentials(sign, flag: "--sign")
            security = .sign(user: user, password: password)
            users[user] = password
        }
        if let encrypt {
            let (user, password) = try Self.credentials(encrypt, flag: "--encrypt")
            security = .encrypt(user: user, password: password)
            users[user] = password
        }
        if let authFile {
            for user in authFile.userNames { users[user] = authFile.password(for: user) }
        }
        if !users.isEmpty { self.authFile = AuthFile(users: users) }
    }

    /// `USER:PASSWORD`; the password may hold colons.
    static func credentials(_ text: String, flag: String) throws(ReplayError) -> (String, String) {
        guard let colon = text.firstIndex(of: ":"), colon != text.startIndex else {
            throw ReplayError(code: .option, message: "\(flag) takes USER:PASSWORD")
        }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }
}
