using InsureCrm.Core;
using InsureCrm.Web.Hosting;

var builder = WebApplication.CreateBuilder(args);

builder.Services.AddCrmCore(builder.Configuration);
builder.AddCrmWeb();

var app = builder.Build();
app.UseCrmWeb();
app.Run();

public partial class Program;
