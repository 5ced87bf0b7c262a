namespace InsureCrm.Core.Security;

/// <summary>
/// What a role may do, one capability per kind of access. The web host turns each capability into an
/// authorization policy of the same name (every endpoint and page names one, or allows anonymous
/// access explicitly); the CLI checks the same table for <c>--as</c>. A role-level refusal is 403; the
/// per-customer data scope (<c>Customers.CustomerScope</c>) then answers an out-of-scope id like an
/// unknown one (404).
/// </summary>
public static class Capability
{
    /// <summary>Search customers (the scope decides which ones are found).</summary>
    public const string CustomersSearch = "customers:search";
    /// <summary>Open a customer (call center and compliance give a reason each time).</summary>
    public const string CustomersView = "customers:view";
    /// <summary>Change a customer's contact details.</summary>
    public const string CustomersEdit = "customers:edit";
    /// <summary>See one masked identifier in full, with a reason.</summary>
    public const string CustomersUnmask = "customers:unmask";
    /// <summary>Read access logs and the monthly access review.</summary>
    public const string ComplianceLogs = "compliance:logs";
    /// <summary>Manage accounts and roles.</summary>
    public const string AdminUsers = "admin:users";
    /// <summary>Load source-system files and merge or unmerge identities (CLI import / identity).</summary>
    public const string DataImport = "data:import";
    /// <summary>Create the synthetic demo insurer (CLI generate).</summary>
    public const string DataGenerate = "data:generate";
    /// <summary>Run the nightly value chain (value, lifecycle, segments) on demand (CLI value run).</summary>
    public const string ValueRun = "value:run";
    /// <summary>Train insurer models, list the registry, score every customer with the champions, compare with a truth file (CLI model build/list/run/compare-truth).</summary>
    public const string ModelsManage = "models:manage";
    /// <summary>Approve a challenger as its model's champion (CLI model approve); never one's own model.</summary>
    public const string ModelsApprove = "models:approve";
    /// <summary>See agent model scores (agent-dropout, recruiting) of the agents in one's scope: a branch manager their branch's, admins and analysts every agent's.</summary>
    public const string AgentsScores = "agents:scores";
    /// <summary>Aggregate analytics (value distribution, grades, concentration) and pseudonymised drill-downs: no names or contact data.</summary>
    public const string AnalyticsView = "analytics:view";
    /// <summary>See campaigns, their plans, dashboards and results (aggregates; a branch manager the own branch's figures).</summary>
    public const string CampaignView = "campaign:view";
    /// <summary>Plan, target, split and run campaigns; download their DM lists with a reason.</summary>
    public const string CampaignEdit = "campaign:edit";
    /// <summary>Approve a campaign's plan; never one's own (four eyes, checked in Core).</summary>
    public const string CampaignApprove = "campaign:approve";
    /// <summary>The orphaned customers' cases (issue 15): a CS consultant their own, a branch manager the branch's, an admin all.</summary>
    public const string OrphansView = "orphans:view";
    /// <summary>The orphan service's dashboard (backlog, SLA, retention by wave, branch and consultant): admins and analysts all, a branch manager the branch's.</summary>
    public const string OrphansReport = "orphans:report";
    /// <summary>Work one's own outbound call queue (issue 15): call-center consultants and their supervisors.</summary>
    public const string CallsWork = "calls:work";
    /// <summary>The live view of every outbound queue, the consultants' load and the happy-call quality figure.</summary>
    public const string CallsLive = "calls:live";
    /// <summary>Happy-call escalations: a branch manager their branch's (and resolves them), a supervisor and an admin every one.</summary>
    public const string CallsEscalations = "calls:escalations";
    /// <summary>Move a consultant's open queue items to others (absence, departure, overload): supervisors and admins.</summary>
    public const string CallsReassign = "calls:reassign";
    /// <summary>The call center's inbound console (issue 15): find the caller, log the contact, callbacks, referrals to the agent.</summary>
    public const string CallsInbound = "calls:inbound";
    /// <summary>Open a VOC case (issue 16) and follow the cases one opened: front-line staff, VOC handlers, admins.</summary>
    public const string VocIntake = "voc:intake";
    /// <summary>Work VOC cases routed to one (or one's department): VOC handlers and admins.</summary>
    public const string VocWork = "voc:work";
    /// <summary>A department head's open VOC cases (the Core query keeps it to the departments they head; admins all).</summary>
    public const string VocDepartment = "voc:department";
    /// <summary>VOC as an asset (issue 16, item 7): the dashboard, the weekly digest, the compliment board (a branch manager sees their branch's cases).</summary>
    public const string VocReport = "voc:report";
    /// <summary>Internal VOC (issue 16, item 8): any member of staff suggests an improvement of an internal process and follows it.</summary>
    public const string VocSuggest = "voc:suggest";
    /// <summary>Any signed-in user: their own home page, sessions and language.</summary>
    public const string SignedIn = "signed-in";

    private static readonly Role[] CustomerWorkers =
        [Role.Agent, Role.CsConsultant, Role.BranchManager, Role.CallCenter, Role.CallCenterSupervisor, Role.VocHandler];

    private static readonly Dictionary<string, Role[]> Table = new(StringComparer.Ordinal)
    {
        // VOC handlers search and open customers with cases routed to them: none until VOC cases exist.
        [CustomersSearch] = [.. CustomerWorkers, Role.Compliance],
        [CustomersView] = [.. CustomerWorkers, Role.Compliance],
        [CustomersEdit] = CustomerWorkers,
        [CustomersUnmask] = [Role.Agent, Role.CsConsultant, Role.BranchManager, Role.CallCenter, Role.CallCenterSupervisor, Role.Compliance],
        [ComplianceLogs] = [Role.Compliance],
        [AdminUsers] = [Role.Admin],
        // Imports and merges touch every customer without showing any: the data owners' admin and compliance.
        [DataImport] = [Role.Admin, Role.Compliance],
        [DataGenerate] = [Role.Admin],
        // A batch job over every customer that shows none: operations (admin) and the analysts who own the models.
        [ValueRun] = [Role.Admin, Role.Analyst],
        // Analysts own the models; admins run the jobs. Approval puts a model in front of every agent, so
        // it is an admin's, and the registry refuses an approver who trained the version (four eyes).
        [ModelsManage] = [Role.Admin, Role.Analyst],
        [ModelsApprove] = [Role.Admin],
        // Agent scores are about staff, not customers: the branch manager who coaches them (own branch only),
        // admins, and the analysts who own the models; never the agents themselves.
        [AgentsScores] = [Role.Admin, Role.Analyst, Role.BranchManager],
        // Marketing and analysis work on aggregates; a branch manager sees them too, drill-downs limited to the branch.
        [AnalyticsView] = [Role.Marketer, Role.Analyst, Role.BranchManager],
        // Campaigns are marketing's: marketers plan and run them, and approve colleagues' plans (never their own);
        // admins approve too and see them; analysts and branch managers follow their figures. Agents and the call
        // center work their lists through customers:view and their scope.
        [CampaignView] = [Role.Marketer, Role.Analyst, Role.BranchManager, Role.Admin],
        [CampaignEdit] = [Role.Marketer],
        [CampaignApprove] = [Role.Marketer, Role.Admin],
        // Orphan cases are worked by the CS consultants they are assigned to and overseen by the branch manager (own
        // branch) and admins, who also reassign them (docs/orphans.md).
        [OrphansView] = [Role.CsConsultant, Role.BranchManager, Role.Admin],
        // Whether the service keeps customers is an aggregate: the analysts who measure it, admins, and the branch manager
        // (own branch). Not the CS consultants: one consultant's row is too small a sample to judge by (docs/orphans.md).
        [OrphansReport] = [Role.Analyst, Role.BranchManager, Role.Admin],
        // The outbound queues (docs/callcenter.md): consultants work their own items, the supervisor does what they do and
        // watches every queue; escalations of failed happy calls go to the selling agent's branch manager.
        [CallsWork] = [Role.CallCenter, Role.CallCenterSupervisor],
        [CallsLive] = [Role.CallCenterSupervisor, Role.Admin],
        [CallsEscalations] = [Role.BranchManager, Role.CallCenterSupervisor, Role.Admin],
        [CallsReassign] = [Role.CallCenterSupervisor, Role.Admin],
        // Inbound calls are the call center consultants' and their supervisor's (opening a customer still takes a reason each time).
        [CallsInbound] = [Role.CallCenter, Role.CallCenterSupervisor],
        // VOC (docs/voc.md): front-line staff open cases and see the ones they opened; handlers work cases; department heads
        // (handlers, branch managers) see their departments' cases. Who may resolve a case is decided in Core (owner, head, admin).
        [VocIntake] = [Role.Agent, Role.CsConsultant, Role.BranchManager, Role.CallCenter, Role.CallCenterSupervisor, Role.VocHandler, Role.Admin],
        [VocWork] = [Role.VocHandler, Role.Admin],
        [VocDepartment] = [Role.VocHandler, Role.BranchManager, Role.Admin],
        [VocReport] = [Role.VocHandler, Role.BranchManager, Role.Analyst, Role.Compliance, Role.Admin],
        [VocSuggest] = Enum.GetValues<Role>(),
        [SignedIn] = Enum.GetValues<Role>(),
    };

    /// <summary>Every capability, for registering policies.</summary>
    public static IReadOnlyCollection<string> All => Table.Keys;

    /// <summary>The roles that hold <paramref name="capability"/>.</summary>
    public static IReadOnlyList<Role> RolesFor(string capability) =>
        Table.TryGetValue(capability, out var roles) ? roles : throw new ArgumentException($"Unknown capability '{capability}'.", nameof(capability));

    public static bool Allows(this Role role, string capability) => RolesFor(capability).Contains(role);

    /// <summary>Roles that see personal contact data (address lines) of the customers in their scope.</summary>
    public static bool SeesContactData(this Role role) => CustomerWorkers.Contains(role);

    /// <summary>Roles that must give a reason each time they open a customer (their scope is every customer).</summary>
    public static bool NeedsReasonToOpen(this Role role) => role is Role.CallCenter or Role.CallCenterSupervisor or Role.Compliance;

    /// <summary>The call center's roles: the consultant and the supervisor, who may do what a consultant does.</summary>
    public static bool IsCallCenter(this Role role) => role is Role.CallCenter or Role.CallCenterSupervisor;
}
