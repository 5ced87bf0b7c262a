using System.Text.RegularExpressions;
using InsureCrm.Tests.Architecture;

namespace InsureCrm.Web.Tests.Architecture;

/// <summary>
/// The hosts follow Core's features (docs/adding-a-feature.md): one folder per feature, the namespace is the folder,
/// and a Web feature uses only the Web features below it in Core's order (decision 0002) besides the shared frame.
/// </summary>
public sealed partial class HostFolderTests
{
    private const string WebPrefix = "InsureCrm.Web.";

    /// <summary>
    /// A Web feature folder is named after a feature of Core and takes its rank: the one order, read from
    /// tests/InsureCrm.Core.Tests/Architecture/FeatureOrder.cs (linked into this project), never restated here.
    /// </summary>
    private static readonly IReadOnlyDictionary<string, int> WebFeatureRank = FeatureOrder.Rank;

    /// <summary>What every feature may use and that may use every feature: the frame, the strings, the host's start-up.</summary>
    private static readonly HashSet<string> Shared = new(StringComparer.Ordinal) { "Shell", "Localization", "Hosting" };

    private static readonly Lazy<TypeReferences> Web = new(() => TypeReferences.Read(typeof(Program).Assembly.Location));

    [Theory]
    [InlineData("src/InsureCrm.Web", "InsureCrm.Web")]
    [InlineData("src/InsureCrm.Cli", "InsureCrm.Cli")]
    public void HostSources_NamespaceIsTheFolder(string project, string rootNamespace)
    {
        var root = Path.Combine(RepositoryRoot(), project);

        var wrong = (
            from file in Directory.EnumerateFiles(root, "*.cs", SearchOption.AllDirectories)
            let relative = Path.GetRelativePath(root, file)
            where !relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                  && !relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                  && relative != "Program.cs"
            let folder = Path.GetDirectoryName(relative)!
            let expected = folder.Length == 0 ? rootNamespace : rootNamespace + "." + folder.Replace(Path.DirectorySeparatorChar, '.')
            let declared = NamespaceLine().Match(File.ReadAllText(file)) is { Success: true } m ? m.Groups[1].Value : "(none)"
            where declared != expected
            select $"{relative}: {declared}, expected {expected}").ToList();

        wrong.ShouldBeEmpty("a file's namespace must be its folder's");
    }

    [Fact]
    public void WebTypes_AreInAFeatureFolderOrTheSharedFrame()
    {
        var unknown = Web.Value.ByType.Keys.Select(Folder).OfType<string>()
            .Where(f => !WebFeatureRank.ContainsKey(f) && !Shared.Contains(f)).Distinct().Order().ToList();

        unknown.ShouldBeEmpty("a folder of the web host that is neither a feature of Core's order nor shared: add it to this test (and to docs/adding-a-feature.md)");
    }

    [Fact]
    public void WebFeatures_UseOnlyWebFeaturesBelowThem()
    {
        var upward = (
            from pair in Web.Value.ByType
            let source = Folder(pair.Key)
            where source is not null && WebFeatureRank.ContainsKey(source)
            from target in pair.Value
            let destination = Folder(target)
            where destination is not null && destination != source && WebFeatureRank.ContainsKey(destination)
                  && WebFeatureRank[destination] >= WebFeatureRank[source]
            orderby pair.Key, target
            select $"{pair.Key[WebPrefix.Length..]} → {target[WebPrefix.Length..]}").ToList();

        upward.ShouldBeEmpty("a web feature uses one at its rank or above it in Core's order:\n" + string.Join("\n", upward));
    }

    [Fact]
    public void WebFeatures_CheckSeesComponentReferences()
    {
        // The check must see a page's use of another folder's component (OpenComponent<T>), or it proves nothing.
        Web.Value.ByType["InsureCrm.Web.Customers.UnmaskButton"].ShouldContain("InsureCrm.Web.Security.ReasonPicker");
    }

    /// <summary>The folder of a type of the web host (the first namespace segment after InsureCrm.Web), or null for the root.</summary>
    private static string? Folder(string fullName)
    {
        if (!fullName.StartsWith(WebPrefix, StringComparison.Ordinal))
        {
            return null;
        }
        var rest = fullName[WebPrefix.Length..];
        var dot = rest.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? null : rest[..dot];
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

    [GeneratedRegex(@"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline)]
    private static partial Regex NamespaceLine();
}
