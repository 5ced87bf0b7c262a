using InsureCrm.Core;
using InsureCrm.Web.Hosting;

// Configuration is read once at start (an operator restarts to change it). Reloading appsettings.json on change would
// watch the whole content root recursively, where the SQLite database, its WAL and the logs usually live, and wake the
// host on every write. Given first, so that an operator's own --hostBuilder:reloadConfigOnChange=true still wins.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);

builder.Services.AddCrmCore(builder.Configuration);
builder.AddCrmWeb();

var app = builder.Build();
app.UseCrmWeb();
return await app.RunCrmAsync();

public partial class Program;
