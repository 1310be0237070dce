// swift-tools-version:6.0
import PackageDescription

// A second Crossplane function built on function-secrets' FunctionSDK, as another team would
// write one: the function in a library (so its tests can call it), and a one-line executable.
let package = Package(
    name: "function-hello",
    dependencies: [
        .package(name: "function-secrets", path: "../.."),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
    ],
    targets: [
        .target(name: "Hello", dependencies: [.product(name: "FunctionSDK", package: "function-secrets")]),
        .executableTarget(
            name: "function-hello",
            dependencies: ["Hello", .product(name: "FunctionSDK", package: "function-secrets")]
        ),
        .testTarget(
            name: "HelloTests",
            dependencies: [
                "Hello", .product(name: "FunctionSDK", package: "function-secrets"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ]
        ),
    ]
)
