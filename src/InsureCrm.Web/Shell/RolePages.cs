using InsureCrm.Core.Security;
using Microsoft.AspNetCore.Components.Routing;

namespace InsureCrm.Web.Shell;

/// <summary>One page a role may open from the menu and its home: the capability that guards the page decides.</summary>
/// <param name="Href">The page's address.</param>
/// <param name="Title">String key of its name (the menu's and the home's).</param>
/// <param name="Hint">String key of one line on what it is for (the home's).</param>
/// <param name="Capability">The policy of the page itself.</param>
/// <param name="Match">How the menu marks it active.</param>
internal sealed record RolePage(string Href, string Title, string Hint, string Capability, NavLinkMatch Match = NavLinkMatch.Prefix)
{
    /// <summary>The roles it is for when its capability is wider than the page's use (a list only agents and CS consultants have); null: every role the capability allows.</summary>
    public IReadOnlyList<Role>? Only { get; init; }

    /// <summary>
    /// The page whose own menu lists this one (a feature's sub-pages under its home): the top menu leaves it out for a role that
    /// may open that page, so the menu fits one line at 1366 px; the home still lists it.
    /// </summary>
    public string? Under { get; init; }
}

/// <summary>The pages of the menu, in its order; the menu and every role's home list the same ones, so neither offers a page the role is refused.</summary>
internal static class RolePages
{
    public static readonly IReadOnlyList<RolePage> All =
    [
        new("/today", "worklist.nav", "worklist.homeHint", Capability.CustomersView) { Only = [Role.Agent, Role.CsConsultant] },
        new("/calls", "calls.nav", "calls.homeHint", Capability.CallsWork, NavLinkMatch.All),
        new("/calls/inbound", "inbound.nav", "inbound.homeHint", Capability.CallsInbound),
        new("/calls/callbacks", "inbound.callbacks.nav", "inbound.callbacks.homeHint", Capability.CallsInbound, NavLinkMatch.All),
        new("/calls/live", "calls.live.nav", "calls.live.homeHint", Capability.CallsLive, NavLinkMatch.All),
        new("/calls/escalations", "calls.esc.nav", "calls.esc.homeHint", Capability.CallsEscalations, NavLinkMatch.All),
        new("/voc", "voc.nav", "voc.homeHint", Capability.VocIntake),
        new("/voc/department", "voc.dept.nav", "voc.dept.homeHint", Capability.VocDepartment, NavLinkMatch.All) { Under = "/voc" },
        new("/voc/dashboard", "voc.dash.nav", "voc.dash.homeHint", Capability.VocReport, NavLinkMatch.All) { Under = "/voc" },
        new("/voc/compliments", "voc.praise.nav", "voc.praise.homeHint", Capability.VocSuggest, NavLinkMatch.All) { Under = "/voc" },
        new("/voc/suggest", "voc.suggest.nav", "voc.suggest.homeHint", Capability.VocSuggest, NavLinkMatch.All) { Under = "/voc" },
        new("/orphans", "orphans.nav", "orphans.homeHint", Capability.OrphansView),
        new("/orphans/retention", "orphans.retention.nav", "orphans.retention.homeHint", Capability.OrphansReport),
        new("/customers", "nav.search", "home.page.search", Capability.CustomersSearch),
        new("/analytics/value", "analytics.nav", "home.page.value", Capability.AnalyticsView),
        new("/analytics/segments", "segments.nav", "home.page.segments", Capability.AnalyticsView),
        new("/models", "registry.nav", "home.page.registry", Capability.ModelsManage, NavLinkMatch.All),
        new("/models/workbench", "workbench.nav", "home.page.workbench", Capability.ModelsManage),
        new("/models/agent-dropout/agents", "agentScores.nav", "home.page.agentScores", Capability.AgentsScores, NavLinkMatch.All),
        new("/branch", "branch.nav", "branch.home.hint", Capability.AgentsScores),
        new("/campaigns", "campaign.nav", "home.page.campaigns", Capability.CampaignView),
        new("/campaigns/mine", "campaign.nav.mine", "home.page.campaignsMine", Capability.CustomersView, NavLinkMatch.All),
        new("/campaigns/calls", "campaign.nav.calls", "home.page.campaignsCalls", Capability.CustomersView, NavLinkMatch.All),
        new("/compliance/access-review", "review.title", "home.page.review", Capability.ComplianceLogs),
        new("/compliance/subjects", "subject.title", "home.page.subjects", Capability.ComplianceLogs),
        new("/admin/users", "nav.users", "home.page.users", Capability.AdminUsers),
    ];

    public static IEnumerable<RolePage> For(Role role) => All.Where(p => role.Allows(p.Capability) && (p.Only is null || p.Only.Contains(role)));

    /// <summary>The top menu's pages: <see cref="For"/> less the sub-pages whose parent the role may open (that page lists them).</summary>
    public static IEnumerable<RolePage> Menu(Role role)
    {
        var pages = For(role).ToList();
        return pages.Where(p => p.Under is not { } parent || !pages.Any(q => q.Href == parent));
    }

    /// <summary>A feature's own menu: its home and the sub-pages under it that the role may open.</summary>
    public static IEnumerable<RolePage> Section(Role role, string home) => For(role).Where(p => p.Href == home || p.Under == home);
}
