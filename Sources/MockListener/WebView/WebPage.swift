import HTTPTypes
import Hummingbird
import NIOCore

/// The page's files, built into the binary from `WebView/Page` (no CDN, nothing downloaded), served without
/// credentials: they hold no data, which the page then reads from `/testControl/v1/ui/...`.
enum WebPage {
    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
    }

    /// By the path the page is asked for: `index.html` for `/`, `ui/app.js`, `ui/app.css`.
    static func asset(_ name: String) -> Asset? {
        switch name {
        case "index.html": Asset(bytes: PackageResources.index_html, contentType: "text/html; charset=utf-8")
        case "ui/app.js": Asset(bytes: PackageResources.app_js, contentType: "text/javascript; charset=utf-8")
        case "ui/app.css": Asset(bytes: PackageResources.app_css, contentType: "text/css; charset=utf-8")
        default: nil
        }
    }

    /// Only the page's own files and requests: no inline script or style, no other origin, no framing.
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func response(_ asset: Asset, headOnly: Bool) -> Response {
        var headers: HTTPFields = [
            .contentType: asset.contentType,
            // the binary changes the files; a browser asks again rather than use an old copy
            .cacheControl: "no-cache",
            .contentSecurityPolicy: contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
        ]
        for (name, value) in [("Referrer-Policy", "no-referrer"), ("X-Frame-Options", "DENY")] {
            if let name = HTTPField.Name(name) { headers[name] = value }
        }
        // a HEAD says the length a GET would have
        if headOnly { headers[.contentLength] = String(asset.bytes.count) }
        let body = headOnly ? ResponseBody() : ResponseBody(byteBuffer: ByteBuffer(bytes: asset.bytes))
        return Response(status: .ok, headers: headers, body: body)
    }
}
