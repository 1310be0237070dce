// swift-tools-version:6.0
import PackageDescription

// Layers, bottom up: HPACK -> HTTP2 -> GRPC -> FunctionSDK -> Compositions, and Transport -> HTTP2;
// FunctionSDK serves over Transport. Nothing below FunctionSDK knows about Crossplane; nothing below
// Transport knows about sockets. FunctionSDK is the product other functions build on.
let package = Package(
    name: "function-secrets",
    products: [
        .executable(name: "function-secrets", targets: ["function-secrets"]),
        .library(name: "FunctionSDK", targets: ["FunctionSDK"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
    ],
    targets: [
        .target(name: "CLinuxShims"),
        .target(name: "CThreadSlot"),
        .systemLibrary(name: "COpenSSL", pkgConfig: "openssl", providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .target(name: "HPACK"),
        .target(name: "HTTP2", dependencies: ["HPACK"]),
        .target(name: "Transport", dependencies: ["HTTP2", "CLinuxShims", "COpenSSL"]),
        .target(name: "GRPC", dependencies: ["HTTP2", "CZlib"]),
        .target(
            name: "FunctionSDK",
            dependencies: [
                "GRPC", "Transport", "HTTP2", "CLinuxShims", "CThreadSlot",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["Proto", "Generated/proto.stamp"]
        ),
        .target(name: "Compositions", dependencies: ["FunctionSDK"], exclude: ["README.md"]),
        .executableTarget(
            name: "function-secrets",
            dependencies: [
                "FunctionSDK", "Compositions", "Transport", "GRPC", "HTTP2", .product(name: "Yams", package: "Yams"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
        .target(name: "CAllocCounter", path: "Tests/Benchmarks/CAllocCounter"),
        .executableTarget(
            name: "RenderBenchmark",
            dependencies: [
                "Compositions", "FunctionSDK", "CLinuxShims", "CAllocCounter",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/Benchmarks/RenderBenchmark"
        ),
        .testTarget(name: "HPACKTests", dependencies: ["HPACK"]),
        .target(name: "HTTP2TestSupport", dependencies: ["HTTP2", "HPACK"], path: "Tests/HTTP2TestSupport"),
        .testTarget(name: "HTTP2Tests", dependencies: ["HTTP2", "HPACK", "HTTP2TestSupport"]),
        .testTarget(name: "GRPCTests", dependencies: ["GRPC", "HTTP2", "HPACK", "HTTP2TestSupport"]),
        .testTarget(
            name: "FunctionSDKTests",
            dependencies: ["FunctionSDK", "GRPC", .product(name: "SwiftProtobuf", package: "swift-protobuf")]
        ),
        .testTarget(
            name: "CompositionsTests",
            dependencies: ["Compositions", "FunctionSDK", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Golden"]
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: ["FunctionSDK", .product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Clients", "Golden"]
        ),
    ]
)
