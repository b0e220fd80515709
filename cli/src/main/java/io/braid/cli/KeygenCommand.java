package io.braid.cli;

import io.braid.identity.Identity;
import io.braid.identity.KeyPair;
import io.braid.identity.KeyType;
import io.braid.identity.PrivateKey;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Writes a new private key, in the libp2p protobuf encoding, for {@code braid listen --key}. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
    description = "Make a private key file for 'braid listen --key'; prints the peer id.")
final class KeygenCommand extends BaseCommand {
  enum Type { ed25519, secp256k1, ecdsa, rsa }

  @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the key (must not exist).")
  Path out;

  @Option(names = "--type", paramLabel = "TYPE", defaultValue = "ed25519",
      description = "Key type: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Type type;

  @Override
  public Integer call() throws Exception {
    PrivateKey key = KeyPair.generate(KeyType.valueOf(type.name().toUpperCase(Locale.ROOT))).privateKey();
    byte[] bytes = key.marshal();
    try {
      Path parent = out.toAbsolutePath().getParent();
      if (parent != null && !Files.isDirectory(parent)) {
        throw new CliException("directory " + parent + " does not exist");
      }
      Files.write(out, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      try {
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // Not a POSIX file system: keep the default permissions.
      }
    } catch (FileAlreadyExistsException e) {
      throw new CliException(out + " already exists; not overwriting a key");
    } catch (IOException e) {
      throw new CliException("cannot write " + out + ": " + e.getMessage(), e);
    }
    String peer = Identity.fromPrivateKey(key).peerId().toString();
    if (json) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("command", "keygen");
      o.put("ok", true);
      o.put("type", type.name());
      o.put("peer_id", peer);
      o.put("file", out.toString());
      printJson(o);
    } else {
      out().println("KEY " + type + " " + peer + " " + out);
    }
    return 0;
  }
}
