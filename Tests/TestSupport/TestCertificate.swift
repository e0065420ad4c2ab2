import Foundation

/// A self-signed certificate for 127.0.0.1 made with openssl, for HTTPS tests.
public struct TestCertificate: Sendable {
    public let directory: String
    public let certificatePath: String
    public let keyPath: String

    /// Makes a key and certificate in a new temporary directory; nil when openssl fails.
    public static func make() async throws -> TestCertificate? {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let certificate = TestCertificate(
            directory: directory,
            certificatePath: directory + "/cert.pem",
            keyPath: directory + "/key.pem"
        )
        // Making an RSA key takes a while; waiting for openssl blocks a thread, so not one of the cooperative pool's.
        let status = try await offCooperativePool {
            let openssl = Process()
            openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            openssl.arguments = [
                "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", certificate.keyPath,
                "-out", certificate.certificatePath,
            ]
            openssl.standardError = FileHandle.nullDevice
            try openssl.run()
            openssl.waitUntilExit()
            return openssl.terminationStatus
        }
        return status == 0 ? certificate : nil
    }

    public func remove() {
        try? FileManager.default.removeItem(atPath: directory)
    }
}
