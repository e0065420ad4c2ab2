import Testing

@testable import VESAgent

/// The start-up warning for a Listen address other machines can reach while SecurityLevel is None (review H3).
@Suite("Listen address")
struct ListenAddressTests {
    @Test("only loopback addresses count as local")
    func onlyLoopbackAddressesCountAsLocal() {
        for host in ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST", "0:0:0:0:0:0:0:1"] {
            #expect(CollectdReceiver.isLoopback(host), "\(host)")
        }
        for host in [
            "0.0.0.0", "::", "10.0.0.5", "128.0.0.1", "127.0.0", "127.0.0.256", "compute-0", "", "127.0.0.1.5",
        ] {
            #expect(!CollectdReceiver.isLoopback(host), "\(host)")
        }
    }
}
