import SluiceCore

/// mod_auth costs: parsing `Authorization: Basic`, the policy lookup for an unprotected path, and one
/// password check per htpasswd format (each verify hashes; the format decides the price).
struct AuthBenchmark: BenchmarkScenario {
    enum Work {
        case parseHeader
        case decideUnprotected
        case verify(user: String)
    }

    let name: String
    let unit: String
    let defaultIterations: Int
    let work: Work
    private var users: UserFile?
    private var policy: AuthPolicy?

    init(name: String, unit: String, defaultIterations: Int, work: Work) {
        self.name = name
        self.unit = unit
        self.defaultIterations = defaultIterations
        self.work = work
    }

    static var all: [AuthBenchmark] {
        [
            AuthBenchmark(name: "auth-basic-parse", unit: "header", defaultIterations: 1_000_000, work: .parseHeader),
            AuthBenchmark(
                name: "auth-decide-unprotected", unit: "decision", defaultIterations: 1_000_000,
                work: .decideUnprotected),
            AuthBenchmark(
                name: "auth-verify-sha1", unit: "verify", defaultIterations: 200_000, work: .verify(user: "sha")),
            AuthBenchmark(
                name: "auth-verify-apr1", unit: "verify", defaultIterations: 2_000, work: .verify(user: "apr")),
            AuthBenchmark(
                name: "auth-verify-bcrypt5", unit: "verify", defaultIterations: 200, work: .verify(user: "bcrypt")),
            AuthBenchmark(
                name: "auth-verify-sha512crypt", unit: "verify", defaultIterations: 500, work: .verify(user: "sha512")),
        ]
    }

    mutating func setUp() throws {
        users = UserFile(
            parsing: """
                sha:{SHA}5en6G6MezRroT3XKqkdPOmY/BfQ=
                apr:$apr1$RSYk1OC9$iuBuVlLH9wQCvF4reLkJ50
                bcrypt:$2y$05$uOhI7wXWFJGrmNROtepYBu8L5HTkTCGVeqqt2tVn2Kp5Sn73AxU0K
                sha512:$6$tNWlvNUDC4PZV1L0$V.MoyJ8cdCjpQ16muKsG9LQw/xoByIK2VPV8e1ySKwSoMwDkqVq0Ac/anTyh2VpNRw7yLW3dr1ibX1Ces7LcX0
                """.utf8,
            path: "bench",
            backend: .htpasswd
        )
        policy = try AuthPolicy(rules: [
            AuthRequireRule(pathPrefix: "/static/private", realm: "Private", requirement: .validUser),
            AuthRequireRule(pathPrefix: "/admin", realm: "Admin", requirement: .users(["apr"])),
        ])
    }

    mutating func run(iterations: Int) -> Int {
        var sink = 0
        switch work {
        case .parseHeader:
            let header = "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
            for _ in 0..<iterations {
                if case .credentials(let credentials) = BasicCredentials.parse(authorization: header) {
                    sink &+= credentials.password.count
                }
            }
        case .decideUnprotected:
            guard let policy, let users else { return 0 }
            for _ in 0..<iterations {
                if case .unprotected = policy.decide(path: "/proxy/app/index.html", authorization: nil, verifier: users)
                {
                    sink &+= 1
                }
            }
        case .verify(let user):
            guard let users else { return 0 }
            for _ in 0..<iterations where users.verify(user: user, password: "secret") {
                sink &+= 1
            }
        }
        return sink
    }
}
