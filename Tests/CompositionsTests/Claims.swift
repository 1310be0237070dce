/// The claims of the tests, as the XRs Crossplane makes of them (spec copied, claimRef set).
enum Claims {
    static func cluster(
        name: String = "cluster-8f5jz", id: String = "a-team-cluster", provider: String = "aws",
        parameters: String, claimNamespace: String = "a-team"
    ) -> String {
        #"{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"CompositeCluster","metadata":{"name":"\#(name)"},"spec":{"id":"\#(id)","claimRef":{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"ClusterClaim","name":"cluster","namespace":"\#(claimNamespace)"},"compositionSelector":{"matchLabels":{"provider":"\#(provider)","cluster":"eks"}},"parameters":\#(parameters)}}"#
    }

    static func sql(name: String = "my-db-6gwtv", id: String = "my-db", provider: String = "aws", parameters: String)
        -> String
    {
        #"{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"SQL","metadata":{"name":"\#(name)"},"spec":{"id":"\#(id)","claimRef":{"apiVersion":"devopstoolkitseries.com/v1alpha1","kind":"SQLClaim","name":"my-db","namespace":"a-team"},"compositionSelector":{"matchLabels":{"provider":"\#(provider)","db":"postgresql"}},"parameters":\#(parameters)}}"#
    }

    /// The blog's aws ClusterClaim.
    static let demoClusterParameters =
        #"{"nodeSize":"medium","minNodeCount":3,"namespaces":["dev","production","crossplane-system"],"apps":{"openfunction":{"enabled":true},"externalSecrets":{"enabled":true,"store":true,"awsAccessKeyIDKey":"accessKeyID","awsSecretAccessKeyKey":"secretAccessKey","secrets":[{"fromSecret":"registry-auth","toSecret":"push-secret","toNamespace":"production"}]}},"creds":{"name":"aws-creds","namespace":"crossplane-system","keys":["creds","accessKeyID","secretAccessKey"]}}"#

    /// The blog's google ClusterClaim: the same claim with GCP credentials.
    static let demoGoogleParameters =
        #"{"nodeSize":"medium","minNodeCount":1,"namespaces":["dev","production","crossplane-system"],"apps":{"openfunction":{"enabled":true},"externalSecrets":{"enabled":true,"store":true,"googleCredentialsKey":"google-creds","secrets":[{"fromSecret":"registry-auth","toSecret":"push-secret","toNamespace":"production"}]}},"creds":{"name":"gcp-creds","namespace":"crossplane-system","keys":["google-creds"]}}"#

    /// Every app, creds, the store and three secrets, one of them a docker config.
    static func fullClusterParameters(extraESO: String = "") -> String {
        #"{"version":"1.30","nodeSize":"large","minNodeCount":12,"namespaces":["dev","production","crossplane-system"],"apps":{"crossplane":{"enabled":true},"openfunction":{"enabled":true},"dapr":{"enabled":true},"traefik":{"enabled":true},"externalSecrets":{"enabled":true,"store":true,"googleCredentialsKey":"google-creds","azureVaultUrl":"https://a-team.vault.azure.net",\#(extraESO)"secrets":[{"fromSecret":"registry-auth","toSecret":"registry-auth","toNamespace":"production","type":"kubernetes.io/dockerconfigjson"},{"fromSecret":"db-password","toSecret":"db-password","toNamespace":"dev"},{"fromSecret":"api-key","toSecret":"api-key","toNamespace":"apps"}]}},"creds":{"name":"cloud-creds","namespace":"crossplane-system","keys":["creds","accessKeyID","secretAccessKey","google-creds"]}}"#
    }

    /// The blog's aws SQLClaim.
    static let demoSQLParameters =
        #"{"version":"14.10","size":"medium","databases":["my-db"],"secrets":{"storeName":"aws","pullRootPasswordKey":"db-password","pushToStore":true,"pullToCluster":"a-team-cluster","pullToClusterNamespace":"production"}}"#

    static let fullSQLParameters =
        #"{"version":"15.4","size":"large","databases":["orders","users","audit"],"schemas":[{"database":"orders","sql":"create table orders (\n  id bigint primary key\n);\n"},{"database":"users","sql":"create table users (id int);"}],"secrets":{"storeName":"aws","pullRootPasswordKey":"db-password","pushToStore":true,"pullToCluster":"a-team-cluster","pullToClusterNamespace":"production","daprComponents":true}}"#

    static let input = #"{"apiVersion":"secrets.fn.crossplane.io/v1beta1","kind":"Input"}"#
    static func input(_ fields: String) -> String {
        #"{"apiVersion":"secrets.fn.crossplane.io/v1beta1","kind":"Input",\#(fields)}"#
    }
}
