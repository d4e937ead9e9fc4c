package io.convene.ids;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdsTest {

  @Test
  void idsHaveTheirPrefixLengthAndAlphabet() {
    Set<String> seen = new HashSet<>();
    int[] counts = new int[128];
    for (int i = 0; i < 10_000; i++) {
      String id = Ids.meeting();
      assertTrue(id.matches("meet_[0-9A-Za-z]{20}"), id);
      assertTrue(seen.add(id), "no repeats");
      id.substring(5).chars().forEach(c -> counts[c]++);
    }
    int used = 0;
    for (int c : counts) {
      used += c > 0 ? 1 : 0;
    }
    assertEquals(62, used, "every base62 character appears");
  }
}
