import CCurl

/// One request set up on an easy handle, with what must live as long as its transfer (the header list, the
/// buffers of the answer), and the reading of the answer once the transfer is done. Used by a blocking
/// `curl_easy_perform` and by the multi interface alike.
final class CurlTransfer {
    let curl: UnsafeMutableRawPointer
    let configuration: CurlClientConfiguration
    private let sink: ResponseSink
    private var headerList: UnsafeMutablePointer<curl_slist>? = nil

    init(
        curl: UnsafeMutableRawPointer,
        request: CurlRequest,
        configuration: CurlClientConfiguration
    ) throws(CurlError) {
        self.curl = curl
        self.configuration = configuration
        sink = ResponseSink(limit: max(0, configuration.maximumResponseBytes))
        // reset keeps the connection cache, so keep-alive survives between requests
        curl_easy_reset(curl)
        guard let timeout = CurlClientConfiguration.milliseconds(configuration.timeout),
            let connectTimeout = CurlClientConfiguration.milliseconds(configuration.connectTimeout)
        else {
            throw CurlError(
                code: Int(CURLE_BAD_FUNCTION_ARGUMENT.rawValue),
                message: "timeout \(configuration.timeout) s or connect timeout \(configuration.connectTimeout) s is "
                    + "not a number of seconds from 0.001 to 86400"
            )
        }
        let sinkPointer = Unmanaged.passUnretained(sink).toOpaque()
        for (name, value) in request.headers {
            headerList = curl_slist_append(headerList, value.isEmpty ? "\(name):" : "\(name): \(value)")
        }
        // curl would wait for 100-continue on large bodies; listeners answer at once
        headerList = curl_slist_append(headerList, "Expect:")

        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: Int) {
            if code == CURLE_OK { code = ves_curl_setopt_long(curl, option, value) }
        }
        func set(_ option: CURLoption, _ value: String) {
            if code == CURLE_OK { code = ves_curl_setopt_string(curl, option, value) }
        }
        set(CURLOPT_URL, request.url)
        set(CURLOPT_NOSIGNAL, 1)
        set(CURLOPT_TCP_KEEPALIVE, 1)
        set(CURLOPT_TIMEOUT_MS, timeout)
        set(CURLOPT_CONNECTTIMEOUT_MS, connectTimeout)
        // an answer that announces its length is refused before its body arrives; the write callback stops others
        set(CURLOPT_MAXFILESIZE, max(0, configuration.maximumResponseBytes))
        set(CURLOPT_SSL_VERIFYPEER, configuration.verifyPeer ? 1 : 0)
        set(CURLOPT_SSL_VERIFYHOST, configuration.verifyPeer ? 2 : 0)
        if let caCertificatePath = configuration.caCertificatePath {
            set(CURLOPT_CAINFO, caCertificatePath)
        }
        if let username = request.username, !username.isEmpty {
            set(CURLOPT_HTTPAUTH, 1)  // CURLAUTH_BASIC
            set(CURLOPT_USERNAME, username)
            set(CURLOPT_PASSWORD, request.password ?? "")
        }
        let method = request.method.uppercased()
        switch method {
        case "GET": set(CURLOPT_HTTPGET, 1)
        case "POST": set(CURLOPT_POST, 1)
        case "HEAD": set(CURLOPT_NOBODY, 1)
        default:
            set(CURLOPT_CUSTOMREQUEST, request.method)
            if !request.body.isEmpty { set(CURLOPT_POST, 1) }
        }
        if method != "GET" && method != "HEAD" {
            // curl keeps its own copy of the body, so the transfer may outlive the caller's array
            set(CURLOPT_POSTFIELDSIZE, request.body.count)
            if code == CURLE_OK {
                // never NULL: curl would then read the body from stdin
                let body = request.body.isEmpty ? [0] : request.body
                code = body.withUnsafeBytes { body in
                    ves_curl_setopt_pointer(
                        curl,
                        CURLOPT_COPYPOSTFIELDS,
                        UnsafeMutableRawPointer(mutating: body.baseAddress)
                    )
                }
            }
        }
        if code == CURLE_OK { code = ves_curl_setopt_slist(curl, CURLOPT_HTTPHEADER, headerList) }
        if code == CURLE_OK { code = ves_curl_setopt_write_callback(curl, curlWriteBody) }
        if code == CURLE_OK { code = ves_curl_setopt_pointer(curl, CURLOPT_WRITEDATA, sinkPointer) }
        if code == CURLE_OK { code = ves_curl_setopt_header_callback(curl, curlWriteHeader) }
        if code == CURLE_OK { code = ves_curl_setopt_pointer(curl, CURLOPT_HEADERDATA, sinkPointer) }
        guard code == CURLE_OK else { throw CurlError(code: Int(code.rawValue), message: Self.describe(code)) }
    }

    deinit { curl_slist_free_all(headerList) }

    /// The answer, once the transfer ended with `result`.
    func response(after result: CURLcode) throws(CurlError) -> CurlResponse {
        guard result == CURLE_OK else {
            if sink.overflowed || result == CURLE_FILESIZE_EXCEEDED {
                var status = 0
                _ = ves_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
                if (100...599).contains(status) {
                    return CurlResponse(status: status, headers: sink.headers, body: [], bodyOmitted: true)
                }
                throw CurlError(
                    code: Int(result.rawValue),
                    message: "the answer's body is larger than \(configuration.maximumResponseBytes) bytes: not read"
                )
            }
            throw CurlError(code: Int(result.rawValue), message: Self.describe(result))
        }
        var status = 0
        _ = ves_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status)
        return CurlResponse(status: status, headers: sink.headers, body: sink.body)
    }

    static func describe(_ code: CURLcode) -> String {
        guard let text = curl_easy_strerror(code) else { return "unknown error" }
        return String(cString: text)
    }
}
