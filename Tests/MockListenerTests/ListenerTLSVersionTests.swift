import CurlClient
import Foundation
import MockListener
import TestSupport
import Testing

/// The system's curl, run for one request, for what the in-process client cannot ask for (an old TLS version).
enum SystemCurl {
    /// curl's exit status and the HTTP status it printed (`000` when no answer came).
    static func run(_ arguments: [String]) async throws -> (status: Int32, httpCode: String) {
        try await offCooperativePool {
            let curl = Process()
            curl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            curl.arguments = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "20"] + arguments
            let output = Pipe()
            curl.standardOutput = output
            curl.standardError = FileHandle.nullDevice
            try curl.run()
            let text = output.fileHandleForReading.readDataToEndOfFile()
            curl.waitUntilExit()
            return (curl.terminationStatus, String(decoding: text, as: UTF8.self))
        }
    }
}

@Suite("HTTPS: the listener speaks TLS 1.2 or later only")
struct ListenerTLSVersionTests {
    @Test("a client that offers at most TLS 1.1 is refused; TLS 1.2 and 1.3 are accepted")
    func minimumVersion() async throws {
        let made = try await TestCertificate.make()
        let tls = try #require(made, "openssl could not make a test certificate")
        defer { tls.remove() }
        let certificate = tls.certificatePath
        let key = tls.keyPath
        try await ListenerHarness.run(configure: {
            $0.tlsCertificatePath = certificate
            $0.tlsKeyPath = key
        }) { harness in
            let url = harness.baseURL + "/healthz"
            // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so only the listener can refuse it
            let old = try await SystemCurl.run([
                "--cacert", certificate, "--tlsv1.1", "--tls-max", "1.1", "--ciphers", "DEFAULT@SECLEVEL=0", url,
            ])
            #expect(old.status != 0 && old.httpCode == "000", "TLS 1.1 was accepted: \(old)")
            let current = try await SystemCurl.run(["--cacert", certificate, "--tlsv1.2", "--tls-max", "1.2", url])
            #expect(current.status == 0 && current.httpCode == "200", "TLS 1.2 was refused: \(current)")
            let newest = try await SystemCurl.run(["--cacert", certificate, "--tlsv1.3", url])
            #expect(newest.status == 0 && newest.httpCode == "200", "TLS 1.3 was refused: \(newest)")
        }
    }
}
