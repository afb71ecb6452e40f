use super::workflow::{Placeholder, Priority, StepKind, WorkflowType};

/// A built-in template as the binary holds it (`Template::builtins` turns each into a template).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuiltinTemplate {
    pub key: &'static str,
    pub title: &'static str,
    pub workflow_type: WorkflowType,
    pub priority: Priority,
    pub description: &'static str,
    pub estimated_duration_days: u32,
    pub steps: &'static [BuiltinStep],
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BuiltinStep {
    pub name: &'static str,
    pub description: &'static str,
    pub instructions: &'static str,
    pub kind: StepKind,
    pub assignee: Option<Placeholder>,
    pub due_offset_days: Option<u32>,
    pub estimated_hours: Option<f64>,
}

/// The four built-in templates, in the order the API lists them.
pub static BUILTINS: [BuiltinTemplate; 4] = [INCOMING_HARDWARE, NEW_EMPLOYEE, EQUIPMENT_RETURN, EMERGENCY_REPLACEMENT];

const INCOMING_HARDWARE: BuiltinTemplate = BuiltinTemplate {
    key: "incoming_hardware",
    title: "Incoming Hardware",
    workflow_type: WorkflowType::Procurement,
    priority: Priority::Normal,
    description: "Use when new laptops, desktops, monitors or peripherals arrive from a vendor \
        and must be received, registered, configured and handed to a user. Covers everything from \
        the loading dock to the user's first sign-in.",
    estimated_duration_days: 3,
    steps: &[
        BuiltinStep {
            name: "Receive Shipment",
            description: "Confirm the delivery is complete and undamaged before it is stocked.",
            instructions: "Compare the packing slip with the purchase order and note any missing \
                or extra items. Photograph damaged packaging and open a carrier claim within 48 \
                hours. Sign the carrier's proof of delivery only after counting the boxes. Move \
                the items to the secured IT storage area.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(0),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Initial Inspection",
            description: "Verify each device matches the order and has no physical defects.",
            instructions: "Unbox each device and check for cracks, dents, dead \
                pixels and missing accessories. Power it on and confirm the model, \
                CPU, RAM and storage match the purchase order. Report wrong or \
                defective units to the vendor and request an RMA before continuing.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(0),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Asset Registration",
            description: "Create an inventory record so the device is tracked for its lifetime.",
            instructions: "Record the serial number, model, purchase order number and warranty \
                end date in the asset inventory. Affix an asset tag and record the asset tag \
                number in the same record. Register the device in Windows Autopilot or Apple \
                Business Manager if it is not already there. Set the asset status to In Setup.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Configuration & Setup",
            description: "Bring the device to the company's standard managed and secured build.",
            instructions: "Enroll the device in MDM (Intune or Jamf) and assign it to the correct \
                device group. Apply disk encryption (BitLocker or FileVault) and confirm the \
                recovery key is escrowed in MDM. Install the standard software bundle and all \
                pending OS updates. Confirm the EDR agent is reporting to the security console.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(2.0),
        },
        BuiltinStep {
            name: "Quality Assurance Testing",
            description: "Confirm the configured device works end to end before it reaches a user.",
            instructions: "Sign in with a test account and check Wi-Fi, VPN, camera, microphone \
                and docking station. Verify the device shows as compliant in MDM with encryption \
                reported as on. Run a battery and storage health check. Send any failing device \
                back to Configuration & Setup with a note of what failed.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(2),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Assignment & Deployment",
            description: "Hand the device to its user and record who is responsible for it.",
            instructions: "Assign the device to the user in the asset inventory and set its \
                status to Deployed. Ship it with tracking or arrange a desk pickup, including the \
                charger and peripherals. Have the user sign the equipment acceptance form.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(2),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "User Onboarding",
            description: "Make sure the user can sign in and work productively on the new device.",
            instructions: "Walk the user through the first sign-in and confirm they \
                can authenticate with MFA. Check that email, chat, file sync and \
                the core business apps open without errors. Show the user how to \
                contact the service desk and install software from self-service.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(3),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Follow-up & Documentation",
            description: "Close the loop so the record is complete and early issues are caught.",
            instructions: "Contact the user after 3 to 5 business days to confirm everything \
                still works. Attach the acceptance form, proof of delivery and any carrier claim \
                to the asset record. Log open issues as separate tickets and close this workflow.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(3),
            estimated_hours: Some(0.5),
        },
    ],
};

const NEW_EMPLOYEE: BuiltinTemplate = BuiltinTemplate {
    key: "new_employee",
    title: "New Employee Onboarding",
    workflow_type: WorkflowType::Onboarding,
    priority: Priority::High,
    description: "Use when a new hire, contractor or rehire needs accounts, \
        licenses and equipment ready for their first day. Start it as soon \
        as HR confirms the start date, ideally a week or more ahead.",
    estimated_duration_days: 7,
    steps: &[
        BuiltinStep {
            name: "Pre-Onboarding Preparation",
            description: "Collect everything IT needs to know before provisioning starts.",
            instructions: "Confirm the name, start date, job title, department, manager and work \
                location with HR. Get the list of required systems and the hardware profile for \
                the role from the manager. Reserve a laptop from stock or raise a purchase \
                request if none fits. Agree a shipping address or desk location for day one.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(0),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Account Provisioning",
            description: "Create the user's identity and core accounts ahead of the start date.",
            instructions: "Create the account in the identity provider (Entra ID, Okta or Google \
                Workspace) using the naming standard. Add the user to the department and role \
                groups so access comes from groups, not manual grants. Create the mailbox and add \
                the user to the right distribution lists. Set the account to activate on the \
                start date and prepare a temporary access pass or one-time password.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Software License Assignment",
            description: "Give the user the licenses their role needs without wasting paid seats.",
            instructions: "Assign the base productivity license, such as Microsoft 365 or Google \
                Workspace. Assign role-specific licenses the manager approved, such as Adobe, \
                Salesforce or developer tools. Record each assignment in the license tracker and \
                flag any request that needs a purchase or extra approval.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(2),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Hardware Setup",
            description: "Prepare a fully configured, encrypted device assigned to the new hire.",
            instructions: "Enroll the laptop in MDM (Intune or Jamf) with the profile for the \
                user's role. Confirm disk encryption (BitLocker or FileVault) is on and the \
                recovery key is escrowed. Install role software and updates, then assign the \
                asset to the user in the inventory. Ship it with tracking to arrive two business \
                days before the start date, or stage it at the desk.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(3),
            estimated_hours: Some(2.0),
        },
        BuiltinStep {
            name: "Day 1 - Welcome & Access",
            description: "Get the new hire signed in and working on their first morning.",
            instructions: "Meet the user in person or on a video call at the agreed \
                start time. Guide them through the first sign-in and MFA enrollment \
                with an authenticator app or security key. Confirm email, chat and \
                calendar work and that they can join a meeting. Have them sign the \
                equipment acceptance form and the acceptable use policy.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(5),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Day 1 - IT Orientation",
            description: "Teach the new hire how to work securely and where to get help.",
            instructions: "Explain the password, MFA and device rules, including locking the \
                screen and reporting lost devices at once. Show how to open a service desk ticket \
                and use the self-service software portal. Explain how to recognize and report \
                phishing emails. Record that the orientation was completed.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(5),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Week 1 - Application Access",
            description: "Ensure the user can reach every system their role depends on.",
            instructions: "Review the manager's access list with the user \
                and test each application. Request missing access from the \
                owning team and link those tickets to this workflow. Remove \
                any access granted by mistake so permissions match the role.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(6),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Week 1 - Training",
            description: "Make sure the user completes the required security and tool training.",
            instructions: "Enroll the user in the mandatory security awareness course and confirm \
                it is completed within the first week. Share short guides for the main tools the \
                user will work with. Schedule a follow-up session for any role-specific tools.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::Employee),
            due_offset_days: Some(7),
            estimated_hours: Some(4.0),
        },
        BuiltinStep {
            name: "Week 1 - Follow-up",
            description: "Confirm onboarding is complete and nothing was missed.",
            instructions: "Check in with the user and the manager at the end of the \
                first week. Fix or open tickets for any remaining hardware, access \
                or license problems. Verify the asset record, license tracker and \
                group memberships are accurate, then close the workflow.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::Manager),
            due_offset_days: Some(7),
            estimated_hours: Some(0.5),
        },
    ],
};

const EQUIPMENT_RETURN: BuiltinTemplate = BuiltinTemplate {
    key: "equipment_return",
    title: "Equipment Return",
    workflow_type: WorkflowType::Offboarding,
    priority: Priority::High,
    description: "Use when an employee leaves or changes roles and \
        their company devices must be collected, wiped and returned \
        to stock. Start it as soon as HR shares the last working day.",
    estimated_duration_days: 2,
    steps: &[
        BuiltinStep {
            name: "Schedule Equipment Return",
            description: "Arrange how and when every assigned device comes back.",
            instructions: "Pull the list of assets assigned to the user from the \
                inventory. Agree a drop-off time on the last working day or send a \
                prepaid box with a return label. Tell the user and manager exactly \
                which items must be returned, including chargers and peripherals.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(0),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Data Backup",
            description: "Preserve business data that must be kept before anything is wiped.",
            instructions: "Confirm with the manager which files, mailboxes and shared drives must \
                be kept. Transfer ownership of files and shared documents to the manager before \
                deactivating the account. Convert the mailbox to a shared or archived mailbox if \
                the retention policy requires it. Apply a legal hold if Legal or HR asks for one.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::Employee),
            due_offset_days: Some(0),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Receive & Inspect Equipment",
            description: "Check that all assigned equipment came back and record its condition.",
            instructions: "Match each returned item's serial number and asset \
                tag against the assignment list. Photograph and note any damage, \
                and report missing items to HR for follow-up. Keep received \
                devices in the secured IT storage area until they are wiped.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Revoke Access & Remove MDM",
            description: "Cut off all company access so the former user can no longer reach data.",
            instructions: "Disable the account in the identity provider at the agreed time and \
                revoke all SSO sessions and OAuth tokens. Remove the user from groups, disable \
                their MFA methods and rotate any shared credentials they knew. Retire personal \
                devices in MDM with a selective wipe of company data. Unassign returned company \
                devices from the user in MDM and move them to the IT staging group.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Wipe & Reconfigure",
            description: "Erase returned devices and prepare them for reuse or disposal.",
            instructions: "Wipe each device with a NIST 800-88 compliant method and keep the \
                certificate with the asset record. Reinstall the OS from the standard image or \
                reset it through Autopilot or Apple Business Manager. Confirm the device \
                re-enrolls cleanly and is not blocked by activation lock. Send devices that are \
                past end of life or failed inspection to a certified e-waste recycler.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(2),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Update Records & Close",
            description: "Leave the inventory and license counts accurate after the departure.",
            instructions: "Set each asset's status to In Stock, In Repair or Disposed \
                and clear the user assignment. Reclaim the user's software licenses \
                and update the license tracker. Notify HR of any items that were not \
                returned. Close the workflow once every item is accounted for.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(2),
            estimated_hours: Some(0.5),
        },
    ],
};

const EMERGENCY_REPLACEMENT: BuiltinTemplate = BuiltinTemplate {
    key: "emergency_replacement",
    title: "Emergency Replacement",
    workflow_type: WorkflowType::Repair,
    priority: Priority::Urgent,
    description: "Use when a user cannot work because their device is broken, \
        lost or stolen and needs a replacement within one business day. Lost \
        or stolen devices also need an immediate remote lock or wipe.",
    estimated_duration_days: 1,
    steps: &[
        BuiltinStep {
            name: "Assess Situation",
            description: "Determine what happened and how quickly the user needs a working device.",
            instructions: "Confirm whether the device is broken, lost or stolen and \
                whether it holds sensitive data. For lost or stolen devices, lock \
                or wipe it remotely through MDM and notify security right away. \
                Check whether a quick fix or a loaner would get the user working \
                sooner. Record the serial number, asset tag and warranty status.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(0),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Approve Replacement",
            description: "Get the sign-off needed to issue a replacement device.",
            instructions: "Request approval from the user's manager, or use the \
                pre-approved emergency process if one exists. Note whether the cost \
                is covered by warranty, insurance or the department budget. Ask for \
                a police report number for stolen devices if policy requires it.",
            kind: StepKind::Approval,
            assignee: Some(Placeholder::Manager),
            due_offset_days: Some(0),
            estimated_hours: Some(0.5),
        },
        BuiltinStep {
            name: "Provision Replacement Device",
            description: "Prepare a managed, encrypted replacement from stock as fast as possible.",
            instructions: "Take a device with the same or better specification from \
                stock. Enroll it in MDM (Intune or Jamf) and confirm disk encryption \
                (BitLocker or FileVault) is on with the recovery key escrowed. \
                Install the user's required apps and restore their data from cloud \
                sync or backup. Assign the new asset to the user in the inventory.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(2.0),
        },
        BuiltinStep {
            name: "Deploy to User",
            description: "Get the user back to work on the replacement device.",
            instructions: "Hand over the device in person or ship it by tracked overnight \
                delivery. Confirm the user can sign in with MFA and open email, files and core \
                apps. Have the user sign the equipment acceptance form.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(1.0),
        },
        BuiltinStep {
            name: "Handle Failed Device",
            description: "Resolve what happens to the broken or missing device.",
            instructions: "Open a warranty or repair case with the vendor and record \
                the case number, or retire the device if repair is not worth the \
                cost. Before a device leaves the building, remove the drive or wipe \
                it with a NIST 800-88 compliant method and keep the certificate. \
                Mark lost or stolen devices as such in the inventory and MDM. Close \
                the workflow once the asset record shows the final status.",
            kind: StepKind::Task,
            assignee: Some(Placeholder::It),
            due_offset_days: Some(1),
            estimated_hours: Some(1.0),
        },
    ],
};
