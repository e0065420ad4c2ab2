import Platform
import Testing

@Suite("The address a program announces")
struct ServiceAddressTests {
    @Test("an IPv4 host or a name as it is, an IPv6 host in brackets, so the text is a URL")
    func urlText() {
        #expect(ServiceAddress(scheme: "http", host: "127.0.0.1", port: 30000).description == "http://127.0.0.1:30000")
        #expect(ServiceAddress(scheme: "udp", host: "localhost", port: 25826).description == "udp://localhost:25826")
        #expect(ServiceAddress(scheme: "https", host: "::1", port: 8443).description == "https://[::1]:8443")
        #expect(ServiceAddress(scheme: "udp", host: "fe80::1%eth0", port: 1).urlHost == "[fe80::1%eth0]")
    }

    @Test("a value set once is seen by every waiter, before and after it is set")
    func onceValue() async {
        let value = OnceValue<Int>()
        async let early = value.value()
        value.set(7)
        value.set(8)
        #expect(await early == 7)
        #expect(await value.value() == 7)
    }
}
