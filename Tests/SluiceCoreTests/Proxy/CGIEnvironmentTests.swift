import SluiceCore
import Testing

/// The CGI variables a FastCGI or SCGI backend receives (RFC 3875 §4.1, as lighttpd fills them).
@Suite struct CGIEnvironmentTests {
    static func environment(
        target: String = "/a%20b/c?x=%26", scriptName: String = "/app", fields: [(String, String)] = [],
        contentLength: Int? = nil, scheme: String = "http", host: String? = "example.org:8080", user: String? = nil
    ) -> CGIEnvironment {
        CGIEnvironment(
            method: "POST", target: Array(target.utf8), requestURI: "/app" + target, scriptName: Array(scriptName.utf8),
            fields: fields, contentLength: contentLength, remoteAddress: "192.0.2.7", remotePort: 40000, serverPort: 8080,
            host: host, scheme: scheme, documentRoot: "/srv/www", remoteUser: user, software: "sluice/test")
    }

    static func table(_ variables: [(name: String, value: [UInt8])]) -> [String: String] {
        Dictionary(variables.map { ($0.name, String(decoding: $0.value, as: UTF8.self)) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func theRequestLineAndTheServer() {
        let variables = Self.table(Self.environment().variables(alwaysContentLength: false))
        #expect(variables["REQUEST_METHOD"] == "POST")
        #expect(variables["SCRIPT_NAME"] == "/app")
        #expect(variables["PATH_INFO"] == "/a b/c")  // decoded
        #expect(variables["QUERY_STRING"] == "x=%26")  // as sent
        #expect(variables["REQUEST_URI"] == "/app/a%20b/c?x=%26")
        #expect(variables["SCRIPT_FILENAME"] == "/srv/www/app/a b/c")
        #expect(variables["DOCUMENT_ROOT"] == "/srv/www")
        #expect(variables["SERVER_NAME"] == "example.org")
        #expect(variables["SERVER_PORT"] == "8080")
        #expect(variables["REMOTE_ADDR"] == "192.0.2.7" && variables["REMOTE_PORT"] == "40000")
        #expect(variables["GATEWAY_INTERFACE"] == "CGI/1.1" && variables["SERVER_PROTOCOL"] == "HTTP/1.1")
        #expect(variables["SERVER_SOFTWARE"] == "sluice/test" && variables["REDIRECT_STATUS"] == "200")
        #expect(variables["HTTPS"] == nil && variables["REQUEST_SCHEME"] == "http")
        #expect(variables["CONTENT_LENGTH"] == nil && variables["REMOTE_USER"] == nil)
    }

    @Test func noQueryNoMountHTTPSAndAUser() {
        let variables = Self.table(
            Self.environment(target: "/", scriptName: "", scheme: "https", user: "alice").variables(alwaysContentLength: false))
        #expect(variables["SCRIPT_NAME"] == "" && variables["PATH_INFO"] == "/" && variables["QUERY_STRING"] == "")
        #expect(variables["HTTPS"] == "on" && variables["REQUEST_SCHEME"] == "https")
        #expect(variables["REMOTE_USER"] == "alice" && variables["AUTH_TYPE"] == "Basic")
    }

    /// CONTENT_LENGTH first (SCGI's rule); SCGI always has one.
    @Test func contentLengthComesFirst() {
        #expect(Self.environment(contentLength: 12).variables(alwaysContentLength: false).first.map { $0.name } == "CONTENT_LENGTH")
        let scgi = Self.environment().variables(alwaysContentLength: true)
        #expect(scgi.first?.name == "CONTENT_LENGTH" && scgi.first?.value == Array("0".utf8))
        #expect(Self.environment(contentLength: 12).variables(alwaysContentLength: true).first?.value == Array("12".utf8))
    }

    @Test func fieldsBecomeHTTPVariables() {
        let fields = [
            ("Host", "example.org"), ("X-Forwarded-For", "192.0.2.7"), ("Content-Type", "text/plain"),
            ("Content-Length", "12"), ("Proxy", "http://evil"), ("X_Forwarded_For", "spoof"), ("Accept", "a"),
            ("accept", "b"), ("Cookie", "a=1"), ("Cookie", "b=2"), ("Transfer-Encoding", "chunked"),
        ]
        let variables = Self.environment(fields: fields).variables(alwaysContentLength: false)
        let table = Self.table(variables)
        #expect(table["HTTP_HOST"] == "example.org")
        #expect(table["HTTP_X_FORWARDED_FOR"] == "192.0.2.7")  // the underscore spelling cannot pose as it
        #expect(table["CONTENT_TYPE"] == "text/plain" && table["HTTP_CONTENT_TYPE"] == nil)
        #expect(table["HTTP_CONTENT_LENGTH"] == nil && table["CONTENT_LENGTH"] == nil)
        #expect(table["HTTP_PROXY"] == nil)  // httpoxy
        #expect(table["HTTP_TRANSFER_ENCODING"] == nil)
        #expect(table["HTTP_ACCEPT"] == "a, b")
        #expect(table["HTTP_COOKIE"] == "a=1; b=2")
        #expect(variables.filter { $0.name == "HTTP_ACCEPT" }.count == 1)
    }

    /// PHP: the path is split after its `.php` segment, and SCRIPT_FILENAME names that script.
    @Test func aPHPScriptIsSplitFromItsPathInfo() {
        let front = Self.table(Self.environment(target: "/index.php/users/1?x=1", scriptName: "").variables(alwaysContentLength: false))
        #expect(front["SCRIPT_NAME"] == "/index.php" && front["PATH_INFO"] == "/users/1")
        #expect(front["SCRIPT_FILENAME"] == "/srv/www/index.php")
        let mounted = Self.table(Self.environment(target: "/wiki/page.php", scriptName: "/app").variables(alwaysContentLength: false))
        #expect(mounted["SCRIPT_NAME"] == "/app/wiki/page.php" && mounted["PATH_INFO"] == "")
        #expect(mounted["SCRIPT_FILENAME"] == "/srv/www/app/wiki/page.php")
        // A path that does not decode names no file: SCRIPT_FILENAME is the root alone, .php or not.
        let broken = Self.table(Self.environment(target: "/x%zz/index.php/a", scriptName: "").variables(alwaysContentLength: false))
        #expect(broken["SCRIPT_FILENAME"] == "/srv/www")
        // Not a .php segment: no split.
        let plain = Self.table(Self.environment(target: "/a.phpx/b.php5", scriptName: "").variables(alwaysContentLength: false))
        #expect(plain["SCRIPT_NAME"] == "" && plain["PATH_INFO"] == "/a.phpx/b.php5")
    }

    /// `_scriptname`, `_pathinfo`, `_docroot` results replace the default split; SCRIPT_FILENAME names the script.
    @Test func rewrittenVariablesReplaceTheSplit() {
        var environment = Self.environment(target: "/a%20b/c?x=%26", scriptName: "/app")
        environment.rewrites = CGIVariableRewrites(
            scriptName: Array("/index.php".utf8), pathInfo: Array("/c".utf8), documentRoot: Array("/srv/php".utf8))
        let table = Self.table(environment.variables(alwaysContentLength: false))
        #expect(table["SCRIPT_NAME"] == "/index.php" && table["PATH_INFO"] == "/c")
        #expect(table["DOCUMENT_ROOT"] == "/srv/php" && table["SCRIPT_FILENAME"] == "/srv/php/index.php")
        environment.rewrites = CGIVariableRewrites(pathInfo: Array("/only".utf8))
        let partial = Self.table(environment.variables(alwaysContentLength: false))
        #expect(partial["SCRIPT_NAME"] == "/app" && partial["PATH_INFO"] == "/only")
    }

    @Test func requestURIServerAddressAndOneContentType() {
        var environment = Self.environment(fields: [("Content-Type", "a/b"), ("Content-Type", "c/d")])
        environment.requestURI = "http://example.org:8080/p?q=1"
        environment.serverAddress = "127.0.0.1"
        let variables = environment.variables(alwaysContentLength: false)
        let table = Self.table(variables)
        #expect(table["REQUEST_URI"] == "/p?q=1")
        #expect(table["SERVER_ADDR"] == "127.0.0.1")
        #expect(variables.filter { $0.name == "CONTENT_TYPE" }.map { String(decoding: $0.value, as: UTF8.self) } == ["a/b"])
        environment.requestURI = "http://example.org"
        #expect(Self.table(environment.variables(alwaysContentLength: false))["REQUEST_URI"] == "/")
    }

    @Test func serverNameDropsThePort() {
        #expect(Self.table(Self.environment(host: "[::1]:8080").variables(alwaysContentLength: false))["SERVER_NAME"] == "[::1]")
        #expect(Self.table(Self.environment(host: nil).variables(alwaysContentLength: false))["SERVER_NAME"] == "localhost")
        #expect(Self.table(Self.environment(host: "h").variables(alwaysContentLength: false))["SERVER_NAME"] == "h")
    }
}
