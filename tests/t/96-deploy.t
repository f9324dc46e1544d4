#!/bin/bash
# deploy/ and README.md as production users read them, without podman
# (95-container.t runs them): the README's pod is deploy/pod.yaml, one
# image name everywhere, every node tolerated, a read-only root with its
# emptyDirs, measured resources, the termination message, a namespace and
# ServiceAccount, every capability explained, OCI labels, and README
# tables that render as tables.
. "$(dirname "$0")/../lib.sh"
python3 -c 'import yaml' 2>/dev/null || skip_all "python3-yaml is not installed (scripts/deps.txt)"
ROOT_DIR=$TESTS_DIR/..
python3 - "$ROOT_DIR" >"$TMP/checks" 2>&1 <<'PY'
import re, sys, yaml
root = sys.argv[1]
readme = open(root + "/README.md").read()
pod_text = open(root + "/deploy/pod.yaml").read()
ds_text = open(root + "/deploy/daemonset.yaml").read()
warmed_text = open(root + "/deploy/daemonset-warmed.yaml").read()
containerfile = open(root + "/Containerfile").read()

def check(ok, name):
    print(("ok" if ok else "FAIL") + " " + name)

blocks = re.findall(r"```yaml\n(.*?)```", readme, re.S)
check(pod_text in blocks, "README's pod snippet is deploy/pod.yaml, verbatim")
pod = yaml.safe_load(pod_text)
docs = list(yaml.safe_load_all(ds_text))
kinds = {d["kind"]: d for d in docs}
check(set(kinds) == {"Namespace", "ServiceAccount", "DaemonSet"}, "daemonset.yaml: a Namespace, a ServiceAccount, the DaemonSet")
ds = kinds["DaemonSet"]
ns = kinds["Namespace"]["metadata"]["name"]
check(ds["metadata"].get("namespace") == ns and kinds["ServiceAccount"]["metadata"].get("namespace") == ns,
      "...all in the namespace")
tpl = ds["spec"]["template"]["spec"]
wdocs = {d["kind"]: d for d in yaml.safe_load_all(warmed_text)}
check(set(wdocs) == {"Namespace", "ServiceAccount", "DaemonSet"}, "daemonset-warmed.yaml: a Namespace, a ServiceAccount, the DaemonSet")
wtpl = wdocs["DaemonSet"]["spec"]["template"]["spec"]
winit = wtpl["initContainers"][0]
wenv = {e["name"]: e.get("value") for e in winit["env"]}
check(wenv.get("PROVISION_HEADERS_OFFLINE") == "1" and wenv.get("PROVISION_HEADERS_CACHE_DIR") == "/var/cache/provision-headers",
      "daemonset-warmed.yaml: offline, from the baked store")
check("AS warmed" in containerfile and "ENV PROVISION_HEADERS_CACHE_DIR=/var/cache/provision-headers" in containerfile,
      "Containerfile: the warmed stage bakes the store where the DaemonSet reads it")
check(tpl.get("serviceAccountName") == kinds["ServiceAccount"]["metadata"]["name"], "...run as the ServiceAccount")
check(tpl.get("automountServiceAccountToken") is False, "...with no API token mounted")
check({"operator": "Exists"} in tpl.get("tolerations", []), "the DaemonSet tolerates every taint")
images = set()
for name, spec in (("pod.yaml", pod["spec"]), ("daemonset.yaml", tpl), ("daemonset-warmed.yaml", wtpl)):
    check(spec.get("nodeSelector") == {"kubernetes.io/os": "linux"}, name + ": kubernetes.io/os: linux selector")
    vols = {v["name"]: v for v in spec["volumes"]}
    for c in spec["initContainers"]:
        if name != "daemonset-warmed.yaml":
            images.add(c["image"])
        sc = c["securityContext"]
        check(sc.get("readOnlyRootFilesystem") is True, name + ": the init container's root is read-only")
        mounts = {m["mountPath"]: m["name"] for m in c["volumeMounts"]}
        check("/tmp" in mounts and "emptyDir" in vols[mounts["/tmp"]], name + ": ...with /tmp an emptyDir")
        check(c.get("terminationMessagePolicy") == "FallbackToLogsOnError", name + ": terminationMessagePolicy FallbackToLogsOnError")
        env = {e["name"]: e.get("value") for e in c["env"]}
        check(env.get("PROVISION_HEADERS_TERMINATION_LOG") == "/dev/termination-log", name + ": the verdict goes to /dev/termination-log")
        r = c.get("resources", {})
        check(all(k in r.get("requests", {}) for k in ("cpu", "memory")) and "memory" in r.get("limits", {}),
              name + ": resource requests (cpu, memory) and a memory limit")
        check(sc["capabilities"].get("drop") == ["ALL"], name + ": drops every capability first")
    for c in spec["containers"]:
        if "provision-headers" in c["image"]:
            images.add(c["image"])
for name, text, spec in (("pod.yaml", pod_text, pod["spec"]), ("daemonset.yaml", ds_text, tpl),
                         ("daemonset-warmed.yaml", warmed_text, wtpl)):
    comments = " ".join(re.findall(r"#(.*)", text))
    caps = [cap for c in spec["initContainers"] + spec["containers"]
            for cap in c.get("securityContext", {}).get("capabilities", {}).get("add", [])]
    unexplained = [cap for cap in caps if cap not in comments]
    check(caps and not unexplained, name + ": every capability added is explained in a comment " + str(unexplained))
readme_images = set(re.findall(r"registry\.example/provision-headers[\w.:/-]*|localhost/provision-headers[\w.:/-]*|\bprovision-headers(?:-runner)?:latest", readme))
warmed_image = next(iter(images)).replace("provision-headers-runner:", "provision-headers-warmed:") if len(images) == 1 else None
check(winit["image"] == warmed_image, "daemonset-warmed.yaml: the warmed image, named as the runner's with its tag")
readme_images.discard(warmed_image)
check(len(images) == 1 and readme_images == images, "one image name across README and deploy/: %s / %s" % (images, readme_images))
check(not re.search(r"[-_](amd64|x86_64|arm64|aarch64)\b", next(iter(images))), "...arch-neutral")
for label in ("title", "description", "version"):
    check("org.opencontainers.image." + label + "=" in containerfile, "Containerfile: OCI label " + label)
rows = re.search(r"\| strategy \| what it does \|\n\|---\|---\|\n((?:\|.*\n)+)", readme)
names = re.findall(r"^\| `([a-z-]+)` \|", rows.group(1) if rows else "", re.M)
check(names == ["cache", "host", "kheaders", "distro", "close-match"], "the strategies table is one table of five rows " + str(names))
check(re.search(r"default chain is `cache,host,kheaders,distro,close-match`, and it\s+includes close-match", readme) is not None,
      "README says plainly that the default chain includes close-match")
check(re.search(r"\| host \| what it gets \|\n\|---\|---\|\n\| Debian, Ubuntu.*\n\| RHEL and its rebuilds.*\n\| Container-Optimized OS.*\n\| openSUSE Leap and Tumbleweed, SLES.*\n\| any other", readme) is not None,
      "README has a table of what each distribution gets")
check('"schema_version":1' in readme and "kernel.version_code" in readme and "tree.version_code" in readme,
      "README annotates a manifest.json with schema_version and both version codes")
for path in ("TMPDIR", "--termination-log FILE", "`--output`"):
    check(path in readme.split("**Files the tool writes**")[-1][:2000], "README lists the files it writes: " + path)
PY
while read -r verdict name; do
	ok "$([ "$verdict" = ok ] && echo 0 || echo 1)" "$name"
done <"$TMP/checks"
[ -s "$TMP/checks" ]; ok $? "the checks ran"
done_testing
