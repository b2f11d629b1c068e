import Foundation
import SluiceCore
import Synchronization
import Testing

private func basic(_ userAndPassword: String) -> String {
    "Basic " + Base64.encode(userAndPassword.utf8)
}

@Suite("Auth policy")
struct AuthPolicyTests {
    static let users = UserFile(
        parsing: """
            alice:$2y$05$uOhI7wXWFJGrmNROtepYBu8L5HTkTCGVeqqt2tVn2Kp5Sn73AxU0K
            bob:$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ50
            carol:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=
            dave:$2y$05$DEj.ZYTp339i5ptbrmD25eCVQvrhAYKMPuHhl9x/qLTyIM30PEW5y
            erin:$2y$05$XT/u9f6EWoNck2dM9UauiOg8a35LbkqiTo8dogRkymLnTaH5eKCgW
            """.utf8,
        path: "users",
        backend: .htpasswd
    )

    static func policy() throws -> AuthPolicy {
        try AuthPolicy(rules: [
            AuthRequireRule(pathPrefix: "/static", realm: "Static", requirement: .validUser),
            AuthRequireRule(pathPrefix: "/static/private", realm: "Private", requirement: .users(["alice", "bob"])),
            AuthRequireRule(pathPrefix: "/static/private/alice", realm: "Alice's", requirement: .users(["alice"])),
            AuthRequireRule(pathPrefix: "/admin", realm: "Admin \"quoted\" \\ realm", requirement: .users(["bob"])),
        ])
    }

    /// Longest prefix wins whatever the config order; prefixes are plain byte prefixes, as in lighttpd.
    @Test(arguments: [
        ("/static", "Static"), ("/static/", "Static"), ("/staticfoo", "Static"), ("/static/privat", "Static"),
        ("/static/private", "Private"), ("/static/private/x", "Private"), ("/static/private/alice2", "Alice's"),
        ("/static/private/alice/a", "Alice's"), ("/admin/", "Admin \"quoted\" \\ realm"),
    ])
    func longestPrefixWins(path: String, realm: String) throws {
        #expect(try Self.policy().rule(forPath: path)?.realm == realm)
        let reversed = try AuthPolicy(rules: Self.policy().rules.reversed())
        #expect(reversed.rule(forPath: path)?.realm == realm)
    }

    @Test(arguments: ["/", "/stati", "/Static", "/proxy/static", ""])
    func unprotectedPaths(path: String) throws {
        #expect(try Self.policy().rule(forPath: path) == nil)
        #expect(try Self.policy().decide(path: path, authorization: nil, verifier: Self.users) == .unprotected)
    }

    @Test func emptyPrefixCoversEverything() throws {
        let policy = try AuthPolicy(rules: [AuthRequireRule(pathPrefix: "", realm: "All", requirement: .validUser)])
        #expect(policy.rule(forPath: "/anything")?.realm == "All")
    }

    @Test func duplicatePathsAreRefused() throws {
        let rule = try AuthRequireRule(pathPrefix: "/a", realm: "r", requirement: .validUser)
        #expect {
            try AuthPolicy(rules: [rule, rule])
        } throws: { error in
            (error as? AuthConfigError)?.message == "auth.require path \"/a\" is given twice"
        }
    }

    @Test(
        arguments: [
            ("/static/x", nil, AuthChallenge.Reason.noCredentials),
            ("/static/x", "Bearer abc", .otherScheme),
            ("/static/x", "Basic !!!!", .malformed(.invalidBase64)),
            ("/static/x", "Basic", .malformed(.missingToken)),
            ("/static/x", basic("alice:wrong"), .rejectedCredentials(user: "alice")),
            ("/static/x", basic("mallory:secret"), .rejectedCredentials(user: "mallory")),
            ("/static/private/", basic("carol:secret"), .userNotPermitted(user: "carol")),
            ("/static/private/alice", basic("bob:secret"), .userNotPermitted(user: "bob")),
            ("/admin", basic("alice:secret"), .userNotPermitted(user: "alice")),
        ] as [(String, String?, AuthChallenge.Reason)])
    func challenges(path: String, authorization: String?, reason: AuthChallenge.Reason) throws {
        let policy = try Self.policy()
        let decision = policy.decide(path: path, authorization: authorization, verifier: Self.users)
        let realm = try #require(policy.rule(forPath: path)).realm
        #expect(decision == .challenge(AuthChallenge(realm: realm, reason: reason)))
    }

    @Test(arguments: [
        ("/static/x", "alice"), ("/static/x", "bob"), ("/static/x", "carol"), ("/static/private/", "alice"),
        ("/static/private/", "bob"), ("/static/private/alice", "alice"), ("/admin", "bob"),
    ])
    func allowed(path: String, user: String) throws {
        let decision = try Self.policy().decide(
            path: path, authorization: basic("\(user):secret"), verifier: Self.users)
        #expect(decision == .allowed(user: user))
    }

    @Test func challengeHeader() {
        #expect(
            AuthChallenge(realm: "Private", reason: .noCredentials).wwwAuthenticate
                == "Basic realm=\"Private\", charset=\"UTF-8\""
        )
        #expect(
            AuthChallenge(realm: "A \"q\" \\ r", reason: .noCredentials).wwwAuthenticate
                == "Basic realm=\"A \\\"q\\\" \\\\ r\", charset=\"UTF-8\""
        )
        #expect(AuthChallenge.headerName == "WWW-Authenticate")
        #expect(!AuthChallenge(realm: "r", reason: .noCredentials).closesConnection)
        #expect(AuthChallenge(realm: "r", reason: .rejectedCredentials(user: "a")).closesConnection)
    }

    /// crypt_rn with a per-call `crypt_data` is safe from any thread: four threads checking different
    /// bcrypt hashes (plus apr1 and SHA-1) at once all get the right answers. With the shared buffer of
    /// plain `crypt`, one thread's result could be compared with another thread's hash.
    @Test func concurrentVerificationOnFourThreads() {
        let users = Self.users
        let checks: [(user: String, password: String, expected: Bool)] = [
            ("alice", "secret", true), ("dave", "correct horse battery staple", true), ("erin", "pässwörd", true),
            ("alice", "Secret", false), ("dave", "secret", false), ("erin", "passwörd", false),
            ("bob", "secret", true), ("carol", "secret", true), ("bob", "nope", false),
        ]
        let group = DispatchGroup()
        let failures = Failures()
        for thread in 0..<4 {
            group.enter()
            let worker = Thread {
                for round in 0..<18 {
                    let check = checks[(thread + round) % checks.count]
                    if users.verify(user: check.user, password: check.password) != check.expected {
                        failures.record("thread \(thread) round \(round): \(check)")
                    }
                }
                group.leave()
            }
            worker.start()
        }
        #expect(group.wait(timeout: .now() + 60) == .success)
        #expect(failures.all.isEmpty)
    }
}

private final class Failures: Sendable {
    private let messages = Mutex<[String]>([])

    func record(_ message: String) {
        messages.withLock { $0.append(message) }
    }

    var all: [String] { messages.withLock { $0 } }
}
