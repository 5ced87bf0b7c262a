namespace InsureCrm.Core.Tests.Common;

/// <summary>
/// The suite must pass in a clone anywhere: a user's clone has no team folder beside the repository (the insurers'
/// documents and the real data sets live there only on the team's machines; real-data figures belong to bench/).
/// </summary>
public sealed class TestSourcesTests
{
    // The two ways a test could name the folder beside the repository: a relative path, and Path.Combine's parts.
    // Built from pieces so that this file itself names no such path.
    private const string Folder = "sha" + "red";

    private static readonly string[] Needles =
    [
        ".." + "/" + Folder,
        "\"..\", \"" + Folder + "\"",
    ];

    [Fact]
    public void TestSources_NeverReadTheSharedFolderBesideTheRepository()
    {
        var root = RepositoryRoot();
        var offenders = Directory.EnumerateFiles(Path.Combine(root, "tests"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => File.ReadAllText(f) is var text && Needles.Any(n => text.Contains(n, StringComparison.Ordinal)))
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
