package io.convene;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.library.dependencies.SliceAssignment;
import com.tngtech.archunit.library.dependencies.SliceIdentifier;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * No package of Convene depends, through any chain, on a package that depends on it: each package is
 * its own slice, the root package {@code io.convene} and {@code http} apart from {@code http.platform}
 * and the other sub-packages included.
 */
class PackageCyclesTest {
  private static final String ROOT = "io.convene";

  /** One slice per package (a sub-package is not part of its parent's slice). */
  private static final SliceAssignment EACH_PACKAGE = new SliceAssignment() {
    @Override
    public SliceIdentifier getIdentifierOf(JavaClass javaClass) {
      String pkg = javaClass.getPackageName();
      return pkg.equals(ROOT) || pkg.startsWith(ROOT + ".") ? SliceIdentifier.of(pkg) : SliceIdentifier.ignore();
    }

    @Override
    public String getDescription() {
      return "each package of " + ROOT;
    }
  };

  @Test
  void packagesHaveNoCycle() {
    JavaClasses classes = new ClassFileImporter()
        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages(ROOT);
    slices().assignedFrom(EACH_PACKAGE).should().beFreeOfCycles().check(classes);
  }
}
