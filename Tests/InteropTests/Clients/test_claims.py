"""The blog's demo claims sent over gRPC (grpcio) to the running server, as Crossplane core would."""
import json

import grpc
import pytest
from crossplane.function.proto.v1 import run_function_pb2 as v1
from google.protobuf import json_format, struct_pb2

V1 = "/apiextensions.fn.proto.v1.FunctionRunnerService/RunFunction"


def struct(d):
    s = struct_pb2.Struct()
    s.update(d)
    return s


def xr(kind, name, spec):
    return {"apiVersion": "devopstoolkitseries.com/v1alpha1", "kind": kind, "metadata": {"name": name}, "spec": spec}


DEMO_CLUSTER = xr("CompositeCluster", "cluster-8f5jz", {
    "id": "a-team-cluster",
    "claimRef": {"apiVersion": "devopstoolkitseries.com/v1alpha1", "kind": "ClusterClaim", "name": "cluster", "namespace": "a-team"},
    "compositionSelector": {"matchLabels": {"provider": "aws", "cluster": "eks"}},
    "parameters": {
        "nodeSize": "medium", "minNodeCount": 3, "namespaces": ["dev", "production", "crossplane-system"],
        "apps": {"openfunction": {"enabled": True},
                 "externalSecrets": {"enabled": True, "store": True, "awsAccessKeyIDKey": "accessKeyID",
                                     "awsSecretAccessKeyKey": "secretAccessKey",
                                     "secrets": [{"fromSecret": "registry-auth", "toSecret": "push-secret", "toNamespace": "production"}]}},
        "creds": {"name": "aws-creds", "namespace": "crossplane-system", "keys": ["creds", "accessKeyID", "secretAccessKey"]},
    },
})

DEMO_SQL = xr("SQL", "my-db-6gwtv", {
    "id": "my-db",
    "claimRef": {"apiVersion": "devopstoolkitseries.com/v1alpha1", "kind": "SQLClaim", "name": "my-db", "namespace": "a-team"},
    "compositionSelector": {"matchLabels": {"provider": "aws", "db": "postgresql"}},
    "parameters": {"version": "14.10", "size": "medium", "databases": ["my-db"],
                   "secrets": {"storeName": "aws", "pullRootPasswordKey": "db-password", "pushToStore": True,
                               "pullToCluster": "a-team-cluster", "pullToClusterNamespace": "production"}},
})

# The demo ClusterClaim: key -> (kind, metadata.name), first call (store and ExternalSecret held back).
CLUSTER_FIRST_CALL = {
    "ekscluster": ("Cluster", "a-team-cluster"), "clusterAuth": ("ClusterAuth", "a-team-cluster"),
    "eksnodegroup": ("NodeGroup", "a-team-cluster"), "iamrole-controlplane": ("Role", "a-team-cluster-controlplane"),
    "iamrole-nodegroup": ("Role", "a-team-cluster-nodegroup"),
    "iamattachment-controlplane": ("RolePolicyAttachment", "a-team-cluster-controlplane"),
    "iamattachment-service": ("RolePolicyAttachment", "a-team-cluster-service"),
    "iamattachment-worker": ("RolePolicyAttachment", "a-team-cluster-worker"),
    "iamattachment-cni": ("RolePolicyAttachment", "a-team-cluster-cni"),
    "iamattachment-registry": ("RolePolicyAttachment", "a-team-cluster-registry"),
    "vpc-nodepool": ("VPC", "a-team-cluster"), "sg-nodepool": ("SecurityGroup", "a-team-cluster"),
    "securityGroupRule": ("SecurityGroupRule", "a-team-cluster"),
    "subnet-nodepool-1a": ("Subnet", "a-team-cluster-1a"), "subnet-nodepool-1b": ("Subnet", "a-team-cluster-1b"),
    "subnet-nodepool-1c": ("Subnet", "a-team-cluster-1c"), "gateway": ("InternetGateway", "a-team-cluster"),
    "routeTable": ("RouteTable", "a-team-cluster"), "route": ("Route", "a-team-cluster"),
    "mainRouteTableAssociation": ("MainRouteTableAssociation", "a-team-cluster"),
    "routeTableAssociation1a": ("RouteTableAssociation", "a-team-cluster-1a"),
    "routeTableAssociation1b": ("RouteTableAssociation", "a-team-cluster-1b"),
    "routeTableAssociation1c": ("RouteTableAssociation", "a-team-cluster-1c"),
    "addonEbs": ("Addon", "a-team-cluster-ebs"), "helm": ("ProviderConfig", "a-team-cluster"),
    "kubernetes": ("ProviderConfig", "a-team-cluster"),
    "a-team-cluster-app-openfunction": ("Release", "a-team-cluster-app-openfunction"),
    "a-team-cluster-app-external-secrets": ("Release", "a-team-cluster-app-external-secrets"),
    "a-team-cluster-ns-dev": ("Object", "a-team-cluster-ns-dev"),
    "a-team-cluster-ns-production": ("Object", "a-team-cluster-ns-production"),
    "a-team-cluster-ns-crossplane-system": ("Object", "a-team-cluster-ns-crossplane-system"),
    "a-team-cluster-creds": ("Object", "a-team-cluster-creds"),
}

# The demo SQLClaim: all rendered from the first call.
SQL_RESOURCES = {
    "vpc": ("VPC", "my-db"), "subnet-a": ("Subnet", "my-db-a"), "subnet-b": ("Subnet", "my-db-b"),
    "subnet-c": ("Subnet", "my-db-c"), "subnetgroup": ("SubnetGroup", "my-db"), "gateway": ("InternetGateway", "my-db"),
    "routeTable": ("RouteTable", "my-db"), "route": ("Route", "my-db"),
    "mainRouteTableAssociation": ("MainRouteTableAssociation", "my-db"),
    "routeTableAssociation1a": ("RouteTableAssociation", "my-db-1a"),
    "routeTableAssociation1b": ("RouteTableAssociation", "my-db-1b"),
    "routeTableAssociation1c": ("RouteTableAssociation", "my-db-1c"), "securityGroup": ("SecurityGroup", "my-db"),
    "securityGroupRule": ("SecurityGroupRule", "my-db"), "rdsinstance": ("Instance", "my-db"),
    "sql-config": ("ProviderConfig", "my-db"), "kubernetes": ("ProviderConfig", "my-db-sql"),
    "sql-secret": ("Object", "my-db-secret"), "my-db-my-db": ("Database", "my-db-my-db"),
    "my-db-secret-pull": ("Object", "my-db-secret-pull"), "my-db-secret-push-store": ("Object", "my-db-secret-push-store"),
    "my-db-secret-pull-cluster": ("Object", "my-db-secret-pull-cluster"),
}


def call(address, composite, observed=None):
    req = v1.RunFunctionRequest()
    req.meta.tag = "interop"
    req.observed.composite.resource.CopyFrom(struct(composite))
    for k, o in (observed or {}).items():
        req.observed.resources[k].resource.CopyFrom(struct(o))
    req.input.CopyFrom(struct({"apiVersion": "secrets.fn.crossplane.io/v1beta1", "kind": "Input"}))
    req.context.CopyFrom(struct({}))
    with grpc.insecure_channel(address) as ch:
        rsp = ch.unary_unary(V1, request_serializer=lambda m: m.SerializeToString(),
                             response_deserializer=v1.RunFunctionResponse.FromString)(req, timeout=10)
    return rsp


def summary(rsp):
    out = {}
    for k, r in rsp.desired.resources.items():
        obj = json_format.MessageToDict(r.resource)
        out[k] = (obj["kind"], obj["metadata"]["name"])
    return out


def test_demo_cluster_claim(address):
    rsp = call(address, DEMO_CLUSTER)
    assert list(rsp.results) == []
    assert summary(rsp) == CLUSTER_FIRST_CALL
    ready = sorted(k for k, r in rsp.desired.resources.items() if r.ready == v1.READY_TRUE)
    assert ready == ["helm", "kubernetes"]
    [cond] = rsp.conditions
    assert (cond.type, cond.reason, cond.target) == ("ExternalSecretsComposed", "WaitingForExternalSecretsOperator", v1.TARGET_COMPOSITE_AND_CLAIM)
    store = json_format.MessageToDict(rsp.desired.resources["a-team-cluster-creds"].resource)
    assert store["spec"]["forProvider"]["manifest"]["metadata"] == {"name": "aws-creds", "namespace": "crossplane-system"}


def test_demo_cluster_claim_once_eso_is_ready(address):
    ready = {"status": {"conditions": [{"type": "Ready", "status": "True", "reason": "Available"}]}}
    rsp = call(address, DEMO_CLUSTER, {"a-team-cluster-app-external-secrets": ready, "a-team-cluster-ns-production": ready})
    names = summary(rsp)
    assert names["a-team-cluster-secret-store"] == ("Object", "a-team-cluster-secret-store")
    assert names["a-team-cluster-secret-push-secret"] == ("Object", "a-team-cluster-secret-push-secret")
    assert len(names) == 34
    assert rsp.conditions[0].reason == "Composed"


def test_demo_sql_claim(address):
    rsp = call(address, DEMO_SQL)
    assert list(rsp.results) == []
    assert summary(rsp) == SQL_RESOURCES
    push = json_format.MessageToDict(rsp.desired.resources["my-db-secret-push-store"].resource)
    doc = json.loads(push["spec"]["forProvider"]["manifest"]["spec"]["template"]["data"]["endpoint"])
    assert sorted(doc) == ["conn-my-db", "endpoint", "password", "port", "username"]


def test_bad_claim_is_a_fatal_result_not_a_grpc_error(address):
    bad = json.loads(json.dumps(DEMO_CLUSTER))
    bad["spec"]["parameters"]["nodeSize"] = "huge"
    rsp = call(address, bad)
    [r] = rsp.results
    assert r.severity == v1.SEVERITY_FATAL
    assert r.message == 'CompositeCluster "cluster-8f5jz": spec.parameters.nodeSize must be one of small, medium, large, got "huge"'
    assert len(rsp.desired.resources) == 0


# Crossplane v2: the namespaced demo Cluster, over both proto packages Crossplane may call.
DEMO_CLUSTER_V2 = {
    "apiVersion": "devopstoolkit.ai/v2", "kind": "Cluster", "metadata": {"name": "cluster", "namespace": "a-team"},
    "spec": {"crossplane": {"compositionSelector": {"matchLabels": {"provider": "aws", "cluster": "eks"}}},
             "parameters": DEMO_CLUSTER["spec"]["parameters"]},
}


@pytest.mark.parametrize("package", ["v1", "v1beta1"])
def test_demo_cluster_v2(address, package):
    from crossplane.function.proto.v1beta1 import run_function_pb2 as v1beta1
    pb = v1 if package == "v1" else v1beta1
    req = pb.RunFunctionRequest()
    req.meta.tag = "interop-v2"
    req.observed.composite.resource.CopyFrom(struct(DEMO_CLUSTER_V2))
    req.input.CopyFrom(struct({"apiVersion": "secrets.fn.crossplane.io/v1beta1", "kind": "Input"}))
    with grpc.insecure_channel(address) as ch:
        rsp = ch.unary_unary(f"/apiextensions.fn.proto.{package}.FunctionRunnerService/RunFunction",
                             request_serializer=lambda m: m.SerializeToString(),
                             response_deserializer=pb.RunFunctionResponse.FromString)(req, timeout=10)
    assert rsp.meta.tag == "interop-v2" and list(rsp.results) == []
    assert len(rsp.desired.resources) == 40
    ekscluster = json_format.MessageToDict(rsp.desired.resources["ekscluster"].resource)
    assert ekscluster["apiVersion"] == "eks.aws.m.upbound.io/v1beta1" and "namespace" not in ekscluster["metadata"]
    usages = sorted(k for k in rsp.desired.resources if k.endswith("-usage"))
    assert len(usages) == 7 and all(rsp.desired.resources[k].ready == pb.READY_TRUE for k in usages)
    [cond] = rsp.conditions
    assert (cond.reason, cond.target) == ("WaitingForExternalSecretsOperator", pb.TARGET_COMPOSITE)
    status = json_format.MessageToDict(rsp.desired.composite.resource)["status"]
    assert status == {"clusterName": "cluster"} and len(rsp.desired.composite.connection_details) == 0


DEMO_SQL_V2 = {
    "apiVersion": "devopstoolkit.live/v1beta1", "kind": "SQL", "metadata": {"name": "my-db", "namespace": "a-team"},
    "spec": {"crossplane": {"compositionSelector": {"matchLabels": {"provider": "aws", "db": "postgresql"}}},
             "version": "16.3", "size": "medium", "databases": ["db-01", "db-02"],
             "secrets": {"storeName": "aws", "pullRootPasswordKey": "db-root", "pushToStore": True, "pullToCluster": "cluster"}},
}


def test_demo_sql_v2(address):
    rsp = call(address, DEMO_SQL_V2)
    assert list(rsp.results) == [] and list(rsp.conditions) == []
    kinds = {k: json_format.MessageToDict(r.resource)["kind"] for k, r in rsp.desired.resources.items()}
    assert (kinds["my-db-secret-pull"], kinds["my-db-secret-push-store"], kinds["my-db-secret-pull-cluster"]) == ("ExternalSecret", "PushSecret", "Object")
    push = json_format.MessageToDict(rsp.desired.resources["my-db-secret-push-store"].resource)
    doc = json.loads(push["spec"]["template"]["data"]["endpoint"].replace("{{ ", "").replace(" }}", ""))
    assert sorted(doc) == ["conn-db-01", "conn-db-02", "endpoint", "password", "port", "username"]
    assert sum(1 for k in rsp.desired.resources if k.endswith("-usage")) == 6
