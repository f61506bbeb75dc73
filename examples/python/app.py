"""The reference environment in Python: the same three stacks as examples/app.ts.

Usage: python app.py [OUTDIR]  (in a venv with requirements.txt and the wheel in dist/python)
Without OUTDIR the app synthesizes into $CDK_OUTDIR (set by the CDK CLI) or cdk.out/.
examples/compare-templates.ts runs it against the wheel in dist/python and checks that
its templates equal the TypeScript ones.
"""
import sys
from typing import Optional

import aws_cdk as cdk
from constructs import Construct

from cdk_secure_studio import SecureStudio, StudioEgress, StudioPersona, StudioPrivateSpaces, StudioUser

TEAM = "ml-platform"
DATA_BUCKETS = ["data", "models"]
USERS = [
    StudioUser(name="data-scientist", persona=StudioPersona.DATA_SCIENTIST),
    StudioUser(name="mlops-engineer", persona=StudioPersona.MLOPS),
]


class SecureStudioIsolated(cdk.Stack):
    """Internet-free: two AZs, VPC endpoints only."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.studio = SecureStudio(self, "Studio", team=TEAM, data_buckets=DATA_BUCKETS, users=USERS)


class SecureStudioFirewall(cdk.Stack):
    """Three AZs with internet egress through NAT gateways and Network Firewall, to an allow-list."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.studio = SecureStudio(
            self,
            "Studio",
            team=TEAM,
            availability_zones=["eu-west-1a", "eu-west-1b", "eu-west-1c"],
            egress=StudioEgress.FIREWALL_READY,
            allowed_domains=[
                "pypi.org",
                "files.pythonhosted.org",
                "conda.anaconda.org",
                "github.com",
                "codeload.github.com",
                "objects.githubusercontent.com",
            ],
            data_buckets=DATA_BUCKETS,
            users=USERS,
        )


class SecureStudioWorkspaces(cdk.Stack):
    """Internet-free, with MLflow, a private JupyterLab and Code Editor space per user, and approved images."""

    def __init__(self, scope: Construct, construct_id: str, **kwargs) -> None:
        super().__init__(scope, construct_id, **kwargs)
        self.studio = SecureStudio(
            self,
            "Studio",
            team=TEAM,
            data_buckets=DATA_BUCKETS,
            users=USERS,
            mlflow=True,
            private_spaces=StudioPrivateSpaces(jupyter_lab=True, code_editor=True),
            allow_shared_spaces=False,
            custom_images=True,
        )
        self.studio.image_catalog.add_image("team-pytorch", tag="2026.11.1")


def build_app(outdir: Optional[str] = None) -> cdk.App:
    app = cdk.App(outdir=outdir) if outdir else cdk.App()
    SecureStudioIsolated(app, "SecureStudioIsolated")
    SecureStudioFirewall(app, "SecureStudioFirewall", env=cdk.Environment(region="eu-west-1"))
    SecureStudioWorkspaces(app, "SecureStudioWorkspaces")
    return app


if __name__ == "__main__":
    assembly = build_app(sys.argv[1] if len(sys.argv) > 1 else None).synth()
    for stack in assembly.stacks:
        print(f"{stack.stack_name}: {len(stack.template.get('Resources', {}))} resources, template {stack.template_file}")
