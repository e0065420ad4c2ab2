public import Collectd
import Platform

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

    /// Signs (`--sign USER[:PASSWORD]`) or encrypts (`--encrypt USER[:PASSWORD]`) what is sent, and gathers every
    /// password known (those and an `--auth-file`) so captured signed or encrypted datagrams can be decoded.
    /// A USER without `:PASSWORD` takes `password` (from `--password-file` or `VES_REPLAY_PASSWORD`), so the
    /// password need not sit in argv, where every local user can read it.
    public mutating func setSecurity(
        sign: String?,
        encrypt: String?,
        authFile: AuthFile?,
        password: String? = nil
    ) throws(ReplayError) {
        guard sign == nil || encrypt == nil else {
            throw ReplayError(code: .option, message: "--sign and --encrypt exclude each other")
        }
        var users: [String: String] = [:]
        if let sign {
            let (user, secret) = try Self.credentials(sign, flag: "--sign", password: password)
            security = .sign(user: user, password: secret)
            users[user] = secret
        }
        if let encrypt {
            let (user, secret) = try Self.credentials(encrypt, flag: "--encrypt", password: password)
            security = .encrypt(user: user, password: secret)
            users[user] = secret
        }
        if let authFile {
            for user in authFile.userNames { users[user] = authFile.password(for: user) }
        }
        if !users.isEmpty { self.authFile = AuthFile(users: users) }
    }

    /// `USER:PASSWORD` (the password may hold colons), or `USER` with `password` given apart.
    static func credentials(_ text: String, flag: String, password: String?) throws(ReplayError) -> (String, String) {
        guard let colon = text.firstIndex(of: ":") else {
            guard !text.isEmpty, let password else {
                throw ReplayError(
                    code: .option,
                    message: "\(flag) takes USER:PASSWORD, or USER with --password-file FILE or VES_REPLAY_PASSWORD"
                )
            }
            return (text, password)
        }
        guard colon != text.startIndex else {
            throw ReplayError(code: .option, message: "\(flag) takes USER:PASSWORD (the user name is empty)")
        }
        return (String(text[..<colon]), String(text[text.index(after: colon)...]))
    }

    /// The password in the first line of `path` (the line end stripped), for `--password-file`.
    public static func password(fromFile path: String) throws(ReplayError) -> String {
        let line: [UInt8]
        do {
            line = try FileBytes.firstLine(path)
        } catch {
            throw ReplayError(code: .option, message: "--password-file: cannot read '\(path)': \(error.message)")
        }
        guard !line.isEmpty else {
            throw ReplayError(code: .option, message: "--password-file: the first line of '\(path)' is empty")
        }
        return String(decoding: line, as: UTF8.self)
    }
}
