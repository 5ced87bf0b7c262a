namespace InsureCrm.Core.Tests.Common;

/// <summary>
/// The suite must pass in a clone anywhere: a user's clone has no ../shared folder beside it (the insurers'
/// documents and the real data sets live there only on the team's machines; real-data figures belong to bench/).
/// </summary>
public sealed class TestSourcesTests
{
    [Fact]
    public void TestSources_NeverReadTheSharedFolderBesideTheRepository()
    {
        var root = RepositoryRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.EndsWith(nameof(TestSourcesTests) + ".cs", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text
                        && (text.Contains("../shared", StringComparison.Ordinal) || text.Contains("\"..\", \"shared\"", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(root, f))
            .ToList();

        offenders.ShouldBeEmpty();
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "InsureCrm.slnx")))
            {
                return dir.FullName;
            }
        }
        throw new DirectoryNotFoundException("No InsureCrm.slnx above the test binaries.");
    }
}
