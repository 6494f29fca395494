import assert from "node:assert/strict";
import {
  holdsPrivateKey,
  leftOutNote,
  NAMED_LEFT_OUT,
  secretByName,
} from "./secret_files.ts";

Deno.test("secretByName() knows the files that hold credentials by their names", async (t) => {
  const cases: [string, boolean][] = [
    [".env", true],
    [".ENV", true],
    [".env.local", true],
    [".env.production", true],
    ["prod.env", true],
    [".envrc", true],
    [".env.example", false],
    [".env.sample", false],
    [".env.template", false],
    [".env.dist", false],
    [".env.local.example", false],
    [".npmrc", true],
    [".yarnrc.yml", true],
    [".pypirc", true],
    [".netrc", true],
    ["_netrc", true],
    [".git-credentials", true],
    [".pgpass", true],
    [".my.cnf", true],
    [".htpasswd", true],
    ["credentials", true],
    ["credentials.json", true],
    ["credentials.yml", true],
    ["secrets", true],
    ["secrets.yaml", true],
    ["secrets.toml", true],
    ["client_secret_123.apps.googleusercontent.com.json", true],
    ["id_rsa", true],
    ["id_dsa", true],
    ["id_ecdsa", true],
    ["id_ed25519", true],
    ["id_ed25519_sk", true],
    ["server.pem", true],
    ["server.key", true],
    ["cert.p12", true],
    ["cert.pfx", true],
    ["vault.kdbx", true],
    ["release.keystore", true],
    ["release.jks", true],
    ["putty.ppk", true],
    ["terraform.tfstate", true],
    // What is meant to be shared, and code that only speaks of secrets.
    ["id_ed25519.pub", false],
    ["known_hosts", false],
    ["credentials.ts", false],
    ["secrets.py", false],
    ["secret_files.ts", false],
    ["keys.md", false],
    ["environment.ts", false],
    ["main.ts", false],
    ["README", false],
  ];
  for (const [name, secret] of cases) {
    await t.step(`${name}: ${secret ? "left out" : "sent"}`, () => {
      assert.equal(secretByName(name), secret);
    });
  }
});

Deno.test("secretByName() knows the folders that hold credentials", async (t) => {
  const cases: [string, boolean][] = [
    [".ssh", true],
    [".gnupg", true],
    [".aws", true],
    [".azure", true],
    [".kube", true],
    [".docker", true],
    [".password-store", true],
    [".SSH", true],
    ["ssh", false],
    ["keys", false],
    [".env", false],
    ["src", false],
  ];
  for (const [name, secret] of cases) {
    await t.step(`${name}/: ${secret ? "left out" : "walked"}`, () => {
      assert.equal(secretByName(name, { folder: true }), secret);
    });
  }
});

Deno.test("holdsPrivateKey() finds a line that begins a private key, anywhere", async (t) => {
  const cases: [string, string, boolean][] = [
    ["OpenSSH", "-----BEGIN OPENSSH PRIVATE KEY-----\nb3Bl\n", true],
    ["PKCS#8", "-----BEGIN PRIVATE KEY-----\nMIIE\n", true],
    ["RSA, CRLF", "-----BEGIN RSA PRIVATE KEY-----\r\nMIIE\r\n", true],
    ["EC", "-----BEGIN EC PRIVATE KEY-----\n", true],
    ["encrypted", "-----BEGIN ENCRYPTED PRIVATE KEY-----\n", true],
    ["PGP", "-----BEGIN PGP PRIVATE KEY BLOCK-----\n", true],
    [
      "after a certificate",
      "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n" +
      "-----BEGIN PRIVATE KEY-----\nMIIE\n",
      true,
    ],
    ["a certificate", "-----BEGIN CERTIFICATE-----\nMIIB\n", false],
    ["a public key", "-----BEGIN PUBLIC KEY-----\nMIIB\n", false],
    [
      "code that speaks of one",
      'if (text.startsWith("-----BEGIN PRIVATE KEY-----")) {}\n',
      false,
    ],
    ["plain text", "private key\n", false],
  ];
  for (const [name, content, holds] of cases) {
    await t.step(name, () => {
      assert.equal(holdsPrivateKey(content), holds);
    });
  }
});

Deno.test("leftOutNote() names the files left out, up to its bound", async (t) => {
  await t.step("one", () => {
    assert.equal(
      leftOutNote("src", [".env"]),
      "left out of -f src: .env (it may hold secrets; name it on its own to " +
        "send it)",
    );
  });
  await t.step("a folder among files", () => {
    assert.equal(
      leftOutNote(".", [".env", ".ssh/", "keys/id_ed25519"]),
      "left out of -f .: .env, .ssh/, keys/id_ed25519 (they may hold " +
        "secrets; name a file on its own to send it)",
    );
  });
  await t.step("exactly the bound", () => {
    const names = Array.from({ length: NAMED_LEFT_OUT }, (_, i) => `${i}.pem`);
    assert.equal(
      leftOutNote(".", names),
      `left out of -f .: ${names.join(", ")} (they may hold secrets; name a ` +
        "file on its own to send it)",
    );
  });
  await t.step("past it", () => {
    const names = Array.from({ length: 13 }, (_, i) => `${i}.pem`);
    assert.equal(
      leftOutNote(".", names),
      "left out of -f .: 0.pem, 1.pem, 2.pem, 3.pem, 4.pem, 5.pem, 6.pem, " +
        "7.pem, 8.pem, 9.pem and 3 more (they may hold secrets; name a file " +
        "on its own to send it)",
    );
  });
});
