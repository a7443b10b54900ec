# PKI helpers for the test bed: one throw-away CA per cluster, ECDSA P-256,
# made with Debian's openssl. Identities are client certificates whose CN is
# the user name and whose O fields are its groups, which is how the API
# server's x509 authenticator maps them.
# shellcheck shell=bash

readonly PKI_DAYS=30 # outlives any test run; the bed is rebuilt per `up`
readonly PKI_EC=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)

# pki_ca DIR NAME: a self-signed CA in DIR/ca.{crt,key}.
pki_ca() {
  local dir=$1 name=$2
  openssl req -x509 "${PKI_EC[@]}" -days "$PKI_DAYS" -subj "/CN=$name-ca" \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
}

# pki_server DIR NAME: a serving certificate for loopback signed by DIR's CA.
pki_server() {
  local dir=$1 name=$2
  openssl req "${PKI_EC[@]}" -subj "/CN=$name" -keyout "$dir/$name.key" -out "$dir/$name.csr" 2>/dev/null
  printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\nkeyUsage=critical,digitalSignature\n' >"$dir/$name.ext"
  openssl x509 -req -in "$dir/$name.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" -CAcreateserial \
    -days "$PKI_DAYS" -extfile "$dir/$name.ext" -out "$dir/$name.crt" 2>/dev/null
  rm -f "$dir/$name.csr" "$dir/$name.ext"
}

# pki_client CA_DIR OUT_DIR FILE USER [GROUP...]: a client certificate
# OUT_DIR/FILE.{crt,key} signed by CA_DIR's CA.
pki_client() {
  local ca=$1 out=$2 file=$3 user=$4
  shift 4
  local subj="" g
  for g in "$@"; do subj+="/O=$g"; done
  subj+="/CN=$user"
  openssl req "${PKI_EC[@]}" -subj "$subj" -keyout "$out/$file.key" -out "$out/$file.csr" 2>/dev/null
  printf 'extendedKeyUsage=clientAuth\nkeyUsage=critical,digitalSignature\n' >"$out/$file.ext"
  openssl x509 -req -in "$out/$file.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
    -days "$PKI_DAYS" -extfile "$out/$file.ext" -out "$out/$file.crt" 2>/dev/null
  rm -f "$out/$file.csr" "$out/$file.ext"
}

# pki_service_account_keys DIR: the RSA pair that signs and verifies SA tokens.
pki_service_account_keys() {
  local dir=$1
  openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$dir/sa.key" 2>/dev/null
  openssl pkey -in "$dir/sa.key" -pubout -out "$dir/sa.pub" 2>/dev/null
}

# kubeconfig_cert OUT SERVER CA CERT KEY USER: a kubeconfig with embedded data.
kubeconfig_cert() {
  local out=$1 server=$2 ca=$3 cert=$4 key=$5 user=$6
  cat >"$out" <<KC
apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$ca")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$cert")
    client-key-data: $(base64 -w0 "$key")
contexts:
- name: testbed
  context: {cluster: testbed, user: $user}
current-context: testbed
KC
  chmod 600 "$out"
}

# kubeconfig_token OUT SERVER CA TOKEN USER: a kubeconfig with a bearer token.
kubeconfig_token() {
  local out=$1 server=$2 ca=$3 token=$4 user=$5
  cat >"$out" <<KC
apiVersion: v1
kind: Config
clusters:
- name: testbed
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$ca")
users:
- name: $user
  user:
    token: $token
contexts:
- name: testbed
  context: {cluster: testbed, user: $user}
current-context: testbed
KC
  chmod 600 "$out"
}
