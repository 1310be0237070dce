import FunctionSDK

// Short names for the SDK's object pieces, as the templates of this module write them.

func metadata(name: Rendered, externalName: String? = nil, labels: Rendered? = nil) -> Rendered {
    .metadata(name: name, externalName: externalName, labels: labels)
}

var matchControllerRef: Rendered { .matchControllerRef }

func providerConfigRef(_ name: String, _ mode: Mode) -> Rendered { .providerConfigRef(name, mode) }

func patchFrom(apiVersion: String, kind: String, name: String, namespace: String? = nil, fieldPath: String, to: String)
    -> Rendered
{
    .patchFrom(apiVersion: apiVersion, kind: kind, name: name, namespace: namespace, fieldPath: fieldPath, to: to)
}
